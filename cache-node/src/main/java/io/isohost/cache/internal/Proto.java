package io.isohost.cache.internal;

/** Operation and status codes of the triad protocol (docs/cache.md, "Protocol"). */
public final class Proto {
    private Proto() {
    }

    // client to server
    public static final int GET = 1;
    public static final int WRITE = 2;
    public static final int KEYS = 3;
    public static final int CACHE_INFO = 4;
    public static final int SUBSCRIBE = 5;
    public static final int STATUS = 6;
    /** On a subscription: push the changes of this cache made by other clients (CHANGED), or stop. */
    public static final int WATCH = 7;
    public static final int UNWATCH = 8;
    /** On a subscription: the client acted on the push with this id (dropped the lease). */
    public static final int ACK = 9;
    // server to server
    public static final int PING = 10;
    public static final int REPLICATE = 11;
    public static final int READY = 12;
    public static final int MNODES = 13;
    public static final int FETCH_VALUE = 14;
    /** Several asynchronous third copies in one frame: each a REPLICATE payload; one status each in the answer. */
    public static final int REPLICATE_BATCH = 15;
    // server to a subscribed client
    /** cache, key hash, id: stop trusting this near copy, then ACK the id. */
    public static final int LEASE_REVOKED = 20;
    /** cache, key, change type, new value, old value; sent by the key's owner. */
    public static final int CHANGED = 21;
    /** id: a server took keys over and knows nothing of earlier leases; drop them all, then ACK the id. */
    public static final int LEASES_RESET = 22;

    // change types
    public static final int CREATED = 1;
    public static final int UPDATED = 2;
    public static final int REMOVED = 3;
    public static final int EXPIRED = 4;

    // answers
    public static final int OK = 0;
    public static final int NOT_FOUND = 1;
    public static final int NOT_MODIFIED = 2;
    public static final int NOT_OWNER = 3;
    public static final int RETRY = 4;
    public static final int FENCED = 5;
    public static final int NEED_VALUE = 6;
    public static final int STALE = 7;
    public static final int ERROR = 9;

    // write conditions
    public static final int IF_ANY = 0;
    public static final int IF_ABSENT = 1;
    public static final int IF_PRESENT = 2;
    public static final int IF_HASH = 3;

    // write flags
    public static final int W_DELETE = 1;
    public static final int W_RETURN_OLD = 2;
    /** Keep the old modification time, so an update does not extend the expire timeout. */
    public static final int W_KEEP_EXPIRY = 4;
    /** Do not push this change to the cache's watchers (an expiry-only rewrite). */
    public static final int W_QUIET = 8;

    // get flags
    public static final int G_LEASE = 1;
    /** Answer with the m-node only; the caller does not want the value. */
    public static final int G_META = 2;
}
