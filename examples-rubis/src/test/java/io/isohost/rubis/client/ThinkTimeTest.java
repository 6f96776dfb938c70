package io.isohost.rubis.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ThinkTimeTest {

    @Test
    void meanIsSevenSecondsAndNoneAboveSeventy() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 100_000;
        long sum = 0;
        long max = 0;
        for (int i = 0; i < n; i++) {
            long t = ThinkTime.draw(r, ThinkTime.DEFAULT_MEAN_MS);
            assertTrue(t >= 0);
            sum += t;
            max = Math.max(max, t);
        }
        assertEquals(7000, (double) sum / n, 7000 * 0.02);
        assertTrue(max <= 70_000, "max " + max);
        assertEquals(70_000, ThinkTime.cap(7000));
    }

    @Test
    void theCutOffReturnsZero() {
        // r below e^-10 would exceed ten times the mean: the original returns 0
        java.util.random.RandomGenerator tiny = new java.util.random.RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return 4.0e-5;
            }
        };
        assertEquals(0, ThinkTime.draw(tiny, 7000));
    }

    @Test
    void zeroMeanIsStressMode() {
        assertEquals(0, ThinkTime.draw(new SplittableRandom(1), 0));
    }
}
