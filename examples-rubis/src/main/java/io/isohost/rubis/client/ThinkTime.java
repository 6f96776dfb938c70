package io.isohost.rubis.client;

import java.util.random.RandomGenerator;

/**
 * TPC-W think time (clause 5.3.1.1), as the RUBiS emulator draws it: {@code -mean·ln(r)} for a
 * uniform r in [0,1), rounded to milliseconds. Draws that would exceed ten times the mean (r below
 * e<sup>-10</sup> ≈ 4.54×10⁻⁵, which is 70 s at the default 7 s mean) return 0, as in the original.
 * The result is multiplied by the current phase's slowdown factor by the caller.
 */
public final class ThinkTime {

    /** The papers' mean: 7 s. */
    public static final long DEFAULT_MEAN_MS = 7000;

    private static final double CUT = Math.exp(-10);

    private ThinkTime() {
    }

    /** One think time in ms for the given mean (0 when the mean is 0: stress mode). */
    public static long draw(RandomGenerator random, double meanMs) {
        if (meanMs <= 0) {
            return 0;
        }
        double r = random.nextDouble();
        if (r < CUT) {
            return 0;
        }
        return Math.round(-meanMs * Math.log(r));
    }

    /** The largest value {@link #draw} can return for this mean: ten times the mean. */
    public static long cap(double meanMs) {
        return Math.round(10 * Math.max(0, meanMs));
    }
}
