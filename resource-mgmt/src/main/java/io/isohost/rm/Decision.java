package io.isohost.rm;

/** A constraint's answer to a consume. */
public sealed interface Decision {
    /** Go ahead now. */
    record Grant() implements Decision {
    }

    /** Granted and already accounted for, but the caller must wait this long before it proceeds. */
    record GrantAfter(long nanos) implements Decision {
    }

    /** Not now: ask again after at most this long (sooner if the domain is released). */
    record RetryAfter(long nanos) implements Decision {
    }

    /** Refused; nothing is consumed. */
    record Deny(String reason) implements Decision {
    }

    Decision GRANT = new Grant();

    static Decision grant() {
        return GRANT;
    }

    static Decision grantAfter(long nanos) {
        return nanos <= 0 ? GRANT : new GrantAfter(nanos);
    }

    static Decision retryAfter(long nanos) {
        return new RetryAfter(Math.max(1, nanos));
    }

    static Decision deny(String reason) {
        return new Deny(reason);
    }
}
