package dev.rollback.spring;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.guard.ReleaseGuard;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The guards of the application's features, each with its own configuration where one is given
 * ({@code rollback.features.<name>.*}), else the registry's default. {@link Rollbackable} methods
 * and the actuator endpoint get their guards here, so that a feature has one configuration whoever
 * creates its guard first.
 */
public final class RollbackGuards {

    private final RollbackRegistry registry;
    private final Map<String, GuardConfig> featureConfigs;
    private final Function<String, FeatureRollout> rollouts;

    /**
     * Creates the guards of a registry whose flag source decides every feature's rollout.
     *
     * @param registry       the registry that creates and keeps the guards
     * @param featureConfigs the configuration of each feature that has its own, by feature name
     */
    public RollbackGuards(RollbackRegistry registry, Map<String, GuardConfig> featureConfigs) {
        this(registry, featureConfigs, feature -> new FeatureRollout(null, "the application's FlagSource"));
    }

    /**
     * Creates the guards of a registry.
     *
     * @param registry       the registry that creates and keeps the guards
     * @param featureConfigs the configuration of each feature that has its own, by feature name
     * @param rollouts       each feature's rollout, as the flag source decides it
     */
    public RollbackGuards(RollbackRegistry registry, Map<String, GuardConfig> featureConfigs,
                          Function<String, FeatureRollout> rollouts) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.featureConfigs = Map.copyOf(featureConfigs);
        this.rollouts = Objects.requireNonNull(rollouts, "rollouts");
    }

    /**
     * Returns a feature's rollout: its share of calls on the new path, and what decides it.
     *
     * @param feature the feature
     * @return the rollout
     */
    public FeatureRollout rollout(String feature) {
        return rollouts.apply(feature);
    }

    /**
     * Returns the guard of a feature, creating it with the feature's configuration.
     *
     * @param feature the feature
     * @return the guard
     * @throws IllegalArgumentException if the name is invalid
     */
    public ReleaseGuard guard(String feature) {
        GuardConfig config = featureConfigs.get(feature);
        return config == null ? registry.guard(feature) : registry.guard(feature, config);
    }

    /**
     * Returns the registry.
     *
     * @return the registry
     */
    public RollbackRegistry registry() {
        return registry;
    }
}
