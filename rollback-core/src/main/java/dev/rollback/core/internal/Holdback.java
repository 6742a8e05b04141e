package dev.rollback.core.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Which calls stay on the old path as the judge's concurrent control whatever the flag says
 * ({@code GuardConfig#holdback()}): a stable share of the stickiness keys, chosen by a hash of feature
 * and key that is independent of the flag source's own, and the same share of calls without a key,
 * spread evenly (a Weyl sequence, so that runs repeat exactly).
 */
final class Holdback {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long threshold;
    private final long featureSeed;
    private final AtomicLong keyless = new AtomicLong();

    /**
     * @param feature the feature, whose name seeds the hash
     * @param percent the share held back, from 0 to 50
     */
    Holdback(String feature, double percent) {
        // Compared as unsigned 64-bit fractions of one: percent / 100 of the range.
        this.threshold = percent <= 0 ? 0 : (long) (percent / 100 * 0x1p63) << 1;
        this.featureSeed = mix(feature.hashCode() * GOLDEN);
    }

    /**
     * Returns whether the call stays on the old path.
     *
     * @param stickinessKey the call's key, or {@code null}
     * @return {@code true} to hold the call back
     */
    boolean holdsBack(@Nullable String stickinessKey) {
        if (threshold == 0) {
            return false;
        }
        long position = stickinessKey == null
                ? keyless.incrementAndGet() * GOLDEN
                : mix(featureSeed ^ stickinessKey.hashCode() * GOLDEN);
        return Long.compareUnsigned(position, threshold) < 0;
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
