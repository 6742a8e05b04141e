package dev.rollback.spring;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The share of calls a feature's new path gets when it is not rolled back, and what decides it;
 * logged for every {@link Rollbackable} feature at start-up and shown by the actuator endpoint.
 *
 * @param percent the share from 0 to 100, or {@code null} when a flag service decides it call by call
 * @param source  what decides: the property that set the share (e.g. {@code rollback.default-rollout}),
 *                or the flag source
 */
public record FeatureRollout(@Nullable Integer percent, String source) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the share is not from 0 to 100
     */
    public FeatureRollout {
        Objects.requireNonNull(source, "source");
        if (percent != null && (percent < 0 || percent > 100)) {
            throw new IllegalArgumentException("a rollout share must be from 0 to 100 percent, was " + percent);
        }
    }

    /**
     * Returns whether some calls may take the new path and others not: a share strictly between 0
     * and 100, or one a flag service decides.
     *
     * @return whether the rollout is, or may be, partial
     */
    public boolean partial() {
        return percent == null || (percent > 0 && percent < 100);
    }

    @Override
    public String toString() {
        return percent == null ? "decided by " + source : percent + "% (" + source + ")";
    }
}
