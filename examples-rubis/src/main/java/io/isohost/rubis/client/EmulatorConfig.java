package io.isohost.rubis.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a run needs. Build one with {@link #builder()}; unset ramps default to 10 % (up) and
 * 5 % (down) of the measurement window.
 *
 * @param url             base URL of the RUBiS application, e.g. {@code http://127.0.0.1:7180}
 * @param mix             browsing or bidding
 * @param clients         emulated users, one virtual thread each
 * @param upRamp          up-ramp length (think times × {@code upSlowdown})
 * @param measurement     the measurement window: the reported statistics
 * @param downRamp        down-ramp length (think times × {@code downSlowdown})
 * @param thinkMeanMs     mean of the exponential think time in ms; 0 = stress (no think time)
 * @param upSlowdown      think-time factor during the up-ramp (the original's 2)
 * @param downSlowdown    think-time factor during the down-ramp (the original's 3)
 * @param scale           database scale ({@link io.isohost.rubis.Population#ofScale})
 * @param seed            random seed; each client's generator is split from it in order
 * @param outDir          where to write {@code rubis-emulator.json} and {@code .md}, or null
 * @param progress        print a progress line on stderr every second
 * @param maxSessionPages pages after which a session ends (the original's 1000)
 * @param retries         retries of a failed connection before the session resets (5)
 * @param retryDelay      pause between retries (1 s)
 * @param requestTimeout  HTTP timeout of one request
 * @param stopGrace       how long after the down-ramp the emulator waits for clients (10 s)
 */
public record EmulatorConfig(URI url, Mix mix, int clients, Duration upRamp, Duration measurement,
                             Duration downRamp, double thinkMeanMs, double upSlowdown, double downSlowdown,
                             double scale, long seed, Path outDir, boolean progress, int maxSessionPages,
                             int retries, Duration retryDelay, Duration requestTimeout, Duration stopGrace) {

    public static final String DEFAULT_URL = "http://127.0.0.1:7180";
    public static final String JSON_FILE = "rubis-emulator.json";
    public static final String MARKDOWN_FILE = "rubis-emulator.md";

    public EmulatorConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(mix, "mix");
        Objects.requireNonNull(measurement, "measurement");
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be at least 1, got " + clients);
        }
        if (measurement.isNegative() || measurement.isZero()) {
            throw new IllegalArgumentException("measurement window must be positive, got " + measurement);
        }
        if (upRamp == null) {
            upRamp = measurement.dividedBy(10);
        }
        if (downRamp == null) {
            downRamp = measurement.dividedBy(20);
        }
        if (upRamp.isNegative() || downRamp.isNegative()) {
            throw new IllegalArgumentException("ramps must not be negative");
        }
        if (!(thinkMeanMs >= 0) || Double.isInfinite(thinkMeanMs)) {
            throw new IllegalArgumentException("think time must be >= 0 ms, got " + thinkMeanMs);
        }
        if (!(upSlowdown > 0) || !(downSlowdown > 0)) {
            throw new IllegalArgumentException("slowdown factors must be positive");
        }
        if (!(scale > 0) || scale > 10) {
            throw new IllegalArgumentException("scale must be in (0, 10], got " + scale);
        }
        if (maxSessionPages < 1 || retries < 0) {
            throw new IllegalArgumentException("maxSessionPages must be >= 1 and retries >= 0");
        }
        retryDelay = retryDelay == null ? Duration.ofSeconds(1) : retryDelay;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
        stopGrace = stopGrace == null ? Duration.ofSeconds(10) : stopGrace;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.url = url;
        b.mix = mix;
        b.clients = clients;
        b.upRamp = upRamp;
        b.measurement = measurement;
        b.downRamp = downRamp;
        b.thinkMeanMs = thinkMeanMs;
        b.upSlowdown = upSlowdown;
        b.downSlowdown = downSlowdown;
        b.scale = scale;
        b.seed = seed;
        b.outDir = outDir;
        b.progress = progress;
        b.maxSessionPages = maxSessionPages;
        b.retries = retries;
        b.retryDelay = retryDelay;
        b.requestTimeout = requestTimeout;
        b.stopGrace = stopGrace;
        return b;
    }

    /** Total planned length: up-ramp + measurement + down-ramp. */
    public Duration total() {
        return upRamp.plus(measurement).plus(downRamp);
    }

    /** A builder with the CLI's defaults. */
    public static final class Builder {
        private URI url = URI.create(DEFAULT_URL);
        private Mix mix = Mix.BROWSING;
        private int clients = 100;
        private Duration upRamp;
        private Duration measurement = Duration.ofSeconds(60);
        private Duration downRamp;
        private double thinkMeanMs = ThinkTime.DEFAULT_MEAN_MS;
        private double upSlowdown = 2;
        private double downSlowdown = 3;
        private double scale = 0.01;
        private long seed = System.nanoTime();
        private Path outDir;
        private boolean progress = true;
        private int maxSessionPages = 1000;
        private int retries = 5;
        private Duration retryDelay = Duration.ofSeconds(1);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration stopGrace = Duration.ofSeconds(10);

        private Builder() {
        }

        public Builder url(String url) {
            return url(URI.create(url));
        }

        public Builder url(URI url) {
            this.url = url;
            return this;
        }

        public Builder mix(Mix mix) {
            this.mix = mix;
            return this;
        }

        public Builder clients(int clients) {
            this.clients = clients;
            return this;
        }

        /** Up-ramp length; null = 10 % of the measurement window. */
        public Builder upRamp(Duration d) {
            this.upRamp = d;
            return this;
        }

        public Builder measurement(Duration d) {
            this.measurement = d;
            return this;
        }

        /** Down-ramp length; null = 5 % of the measurement window. */
        public Builder downRamp(Duration d) {
            this.downRamp = d;
            return this;
        }

        public Builder thinkMeanMs(double ms) {
            this.thinkMeanMs = ms;
            return this;
        }

        public Builder slowdowns(double up, double down) {
            this.upSlowdown = up;
            this.downSlowdown = down;
            return this;
        }

        public Builder scale(double scale) {
            this.scale = scale;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder outDir(Path dir) {
            this.outDir = dir;
            return this;
        }

        public Builder progress(boolean progress) {
            this.progress = progress;
            return this;
        }

        public Builder maxSessionPages(int n) {
            this.maxSessionPages = n;
            return this;
        }

        public Builder retries(int retries, Duration delay) {
            this.retries = retries;
            this.retryDelay = delay;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder stopGrace(Duration d) {
            this.stopGrace = d;
            return this;
        }

        public EmulatorConfig build() {
            return new EmulatorConfig(url, mix, clients, upRamp, measurement, downRamp, thinkMeanMs, upSlowdown,
                    downSlowdown, scale, seed, outDir, progress, maxSessionPages, retries, retryDelay,
                    requestTimeout, stopGrace);
        }
    }
}
