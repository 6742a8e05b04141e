package dev.rollback.spring;

import java.util.Objects;

/**
 * Each feature's rollout as the application's flag source decides it, for the start-up log and the
 * actuator endpoint; the auto-configuration provides one that knows the {@code rollback.*} rollout
 * shares.
 */
@FunctionalInterface
public interface FeatureRollouts {

    /**
     * Returns a feature's rollout: its share of calls on the new path, and what decides it.
     *
     * @param feature the feature
     * @return the rollout
     */
    FeatureRollout rollout(String feature);

    /**
     * Returns rollouts whose share is unknown here, every one decided by {@code source}.
     *
     * @param source what decides the rollouts, e.g. a flag service
     * @return the rollouts
     */
    static FeatureRollouts decidedBy(String source) {
        Objects.requireNonNull(source, "source");
        return feature -> new FeatureRollout(null, source);
    }
}
