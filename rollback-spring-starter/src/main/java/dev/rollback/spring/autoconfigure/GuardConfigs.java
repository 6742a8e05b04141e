package dev.rollback.spring.autoconfigure;

import dev.rollback.core.flag.FeatureNames;
import dev.rollback.core.guard.GuardConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds {@link GuardConfig}s from {@code rollback.*} properties; a value the core refuses becomes an
 * {@link InvalidRollbackPropertyException} that names the property.
 */
final class GuardConfigs {

    private GuardConfigs() {
    }

    /** Returns {@code base} with the settings that are set applied, each named under {@code prefix}. */
    static GuardConfig apply(GuardConfig base, String prefix, GuardSettings settings) {
        GuardConfig.Builder builder = GuardConfig.from(base);
        set(prefix + ".significance-level", settings.significanceLevel(), builder::significanceLevel);
        set(prefix + ".error-rate-tolerance", settings.errorRateTolerance(), builder::errorRateTolerance);
        set(prefix + ".latency-tolerance", settings.latencyTolerance(), builder::latencyTolerance);
        set(prefix + ".latency-resolution", settings.latencyResolution(), builder::latencyResolution);
        set(prefix + ".minimum-samples", settings.minimumSamples(), builder::minimumSamples);
        set(prefix + ".maximum-error-rate", settings.maximumErrorRate(), builder::maximumErrorRate);
        set(prefix + ".maximum-latency", settings.maximumLatency(),
                latency -> builder.maximumLatency(latency, base.maximumLatencyQuantile()));
        set(prefix + ".maximum-latency-quantile", settings.maximumLatencyQuantile(),
                quantile -> builder.maximumLatency(settings.maximumLatency() != null
                        ? settings.maximumLatency() : base.maximumLatency(), quantile));
        set(prefix + ".holdback", settings.holdback(), builder::holdback);
        set(prefix + ".sticky-keys-maximum-size", settings.stickyKeysMaximumSize(), builder::stickyKeysMaximumSize);
        set(prefix + ".sticky-keys-expire-after-access", settings.stickyKeysExpireAfterAccess(),
                builder::stickyKeysExpireAfterAccess);
        set(prefix + ".flag-error-log-interval", settings.flagErrorLogInterval(), builder::flagErrorLogInterval);
        return builder.build();
    }

    /** Returns the configuration of each feature under {@code rollback.features}, on top of {@code base}. */
    static Map<String, GuardConfig> features(GuardConfig base, Map<String, RollbackProperties.Feature> features) {
        Map<String, GuardConfig> configs = new LinkedHashMap<>();
        features.forEach((feature, settings) -> {
            String prefix = "rollback.features." + feature;
            check(prefix, feature, () -> FeatureNames.requireValid(feature));
            configs.put(feature, apply(base, prefix, settings));
        });
        return configs;
    }

    /** Applies a value that is set, naming the property if the core refuses it. */
    static <T> void set(String property, T value, Consumer<T> setter) {
        if (value != null) {
            check(property, value, () -> {
                setter.accept(value);
                return null;
            });
        }
    }

    /** Runs {@code action}, naming the property and value if it refuses the value. */
    static <T> T check(String property, Object value, Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRollbackPropertyException(property, value, e.getMessage(), e);
        }
    }
}
