package io.isohost.rubis.client;

import java.util.Locale;

/** The phases of a run: statistics are reported from the measurement window. */
public enum Phase {
    UP_RAMP, MEASUREMENT, DOWN_RAMP, DONE;

    /** {@code up-ramp}, {@code measurement}, {@code down-ramp}, {@code done}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
