package io.isohost.rubis.client;

import java.util.Locale;

/** The two workload mixes of the RUBiS papers. */
public enum Mix {
    /** Read-only browsing ({@code browse_only_transitions_7}). */
    BROWSING,
    /** Bidding, with writes ({@code default_transitions_7}). */
    BIDDING;

    /** The option value: {@code browsing} or {@code bidding}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code browsing} or {@code bidding} (case-insensitive). */
    public static Mix parse(String s) {
        for (Mix m : values()) {
            if (m.id().equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mix '" + s + "' (expected browsing or bidding)");
    }
}
