package io.isohost.cache.session;

import io.isohost.cache.CacheClient;
import io.isohost.cache.CacheClient.Condition;
import io.isohost.cache.CacheClient.Expiry;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.util.ClassLoadingObjectInputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Jetty 12 sessions kept in a triad cache, so any host can load a session and it survives the loss of any one
 * triad server. Keys are the context's canonical path, virtual host and session id; a session's attributes are
 * Java-serialized with Jetty's own helpers. Entries also carry a triad expire timeout (the session's maximum
 * inactivity plus the grace period) so sessions no node deletes still go away.
 */
public final class TriadSessionDataStore extends AbstractSessionDataStore {
    private final CacheClient cache;

    public TriadSessionDataStore(CacheClient cache) {
        this.cache = cache;
    }

    String key(String id) {
        return _context.getCanonicalContextPath() + "_" + _context.getVhost() + "_" + id;
    }

    private String prefix() {
        return _context.getCanonicalContextPath() + "_" + _context.getVhost() + "_";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isPassivating() {
        return true;
    }

    @Override
    public boolean doExists(String id) throws Exception {
        SessionData d = doLoad(id);
        return d != null && (d.getExpiry() <= 0 || d.getExpiry() > System.currentTimeMillis());
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeUTF(data.getId());
            out.writeUTF(data.getContextPath());
            out.writeUTF(data.getVhost());
            out.writeUTF(data.getLastNode() == null ? "" : data.getLastNode());
            out.writeLong(data.getCreated());
            out.writeLong(data.getAccessed());
            out.writeLong(data.getLastAccessed());
            out.writeLong(data.getCookieSet());
            out.writeLong(data.getExpiry());
            out.writeLong(data.getMaxInactiveMs());
            out.writeLong(data.getLastSaved());
            SessionData.serializeAttributes(data, out);
        }
        Duration expire = data.getMaxInactiveMs() > 0
                ? Duration.ofMillis(data.getMaxInactiveMs()).plusSeconds(Math.max(getGracePeriodSec(), 0) * 2L)
                : null;
        cache.write(bytes(key(id)), b.toByteArray(), Condition.ANY, null, false, new Expiry(expire, null, false));
    }

    @Override
    public SessionData doLoad(String id) throws Exception {
        byte[] v = cache.get(bytes(key(id)));
        if (v == null) {
            return null;
        }
        try (ClassLoadingObjectInputStream in = new ClassLoadingObjectInputStream(new ByteArrayInputStream(v))) {
            SessionData d = new SessionData(in.readUTF(), in.readUTF(), in.readUTF(), 0, 0, 0, 0);
            String lastNode = in.readUTF();
            d.setLastNode(lastNode.isEmpty() ? null : lastNode);
            d.setCreated(in.readLong());
            d.setAccessed(in.readLong());
            d.setLastAccessed(in.readLong());
            d.setCookieSet(in.readLong());
            d.setExpiry(in.readLong());
            d.setMaxInactiveMs(in.readLong());
            d.setLastSaved(in.readLong());
            SessionData.deserializeAttributes(d, in);
            return d;
        } catch (IOException | ClassNotFoundException e) {
            throw new IOException("session " + id + " in the triad cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String id) throws Exception {
        return cache.remove(bytes(key(id)));
    }

    @Override
    public Set<String> doCheckExpired(Set<String> candidates, long time) {
        Set<String> expired = new HashSet<>();
        for (String id : candidates) {
            try {
                SessionData d = doLoad(id);
                if (d == null || d.isExpiredAt(time)) {
                    expired.add(id);
                }
            } catch (Exception e) {
                expired.add(id); // unreadable: let the session manager drop it
            }
        }
        return expired;
    }

    @Override
    public Set<String> doGetExpired(long before) {
        Set<String> expired = new HashSet<>();
        for (String id : ids()) {
            try {
                SessionData d = doLoad(id);
                if (d != null && d.getExpiry() > 0 && d.getExpiry() <= before) {
                    expired.add(id);
                }
            } catch (Exception e) {
                expired.add(id);
            }
        }
        return expired;
    }

    @Override
    public void doCleanOrphans(long time) {
        for (String id : doGetExpired(time)) {
            cache.remove(bytes(key(id)));
        }
    }

    /** The ids of this context's sessions. */
    private Set<String> ids() {
        String prefix = prefix();
        Set<String> ids = new HashSet<>();
        for (byte[] k : cache.keys()) {
            String s = new String(k, StandardCharsets.UTF_8);
            if (s.startsWith(prefix)) {
                ids.add(s.substring(prefix.length()));
            }
        }
        return ids;
    }
}
