package dev.rollback.spring;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.guard.ReleaseGuard;
import java.util.Map;
import java.util.Objects;

/**
 * The guards of the application's features, each with its own configuration where one is given
 * ({@code rollback.features.<name>.*}), else the registry's default. {@link Rollbackable} methods
 * and the actuator endpoint get their guards here, so that a feature has one configuration whoever
 * creates its guard first.
 */
public final class RollbackGuards {

    private final RollbackRegistry registry;
    private final Map<String, GuardConfig> featureConfigs;

    /**
     * Creates the guards of a registry.
     *
     * @param registry       the registry that creates and keeps the guards
     * @param featureConfigs the configuration of each feature that has its own, by feature name
     */
    public RollbackGuards(RollbackRegistry registry, Map<String, GuardConfig> featureConfigs) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.featureConfigs = Map.copyOf(featureConfigs);
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
