package dev.rollback.spring.autoconfigure;

import static dev.rollback.spring.autoconfigure.PropertyTranslator.checked;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.FeatureNames;
import dev.rollback.core.guard.GuardConfig;
import java.time.Duration;
import org.springframework.boot.context.properties.PropertyMapper;

/**
 * The one mapping of {@code rollback.guard.*} and {@code rollback.features.<name>.*} onto
 * {@link GuardConfig}: a setting that is not set ({@code null}, as a feature's are unless given)
 * keeps the base configuration's value; a value the core refuses becomes an
 * {@link InvalidRollbackPropertyException} that names the property.
 */
final class GuardConfigMapping {

    private static final String GUARD = "rollback.guard";
    private static final String FEATURES = "rollback.features.";

    private GuardConfigMapping() {
    }

    /** Returns the default configuration: {@code rollback.guard.*} on top of the core's defaults. */
    static GuardConfig defaults(RollbackProperties properties) {
        return map(GuardConfig.ofDefaults(), GUARD, properties.getGuard());
    }

    /** Gives {@code registry} the configuration of each feature under {@code rollback.features}. */
    static RollbackRegistry.Builder features(RollbackRegistry.Builder registry, GuardConfig defaults,
                                             RollbackProperties properties) {
        properties.getFeatures().forEach((feature, settings) -> {
            String prefix = FEATURES + feature;
            PropertyTranslator.check(prefix, feature, () -> FeatureNames.requireValid(feature));
            registry.guardConfig(feature, map(defaults, prefix, settings));
        });
        return registry;
    }

    /** Returns {@code base} with the settings that are set applied, each named under {@code prefix}. */
    static GuardConfig map(GuardConfig base, String prefix, RollbackProperties.Guard settings) {
        GuardConfig.Builder builder = GuardConfig.from(base);
        PropertyMapper map = PropertyMapper.get();
        map.from(settings::getSignificanceLevel)
                .to(checked(prefix + ".significance-level", builder::significanceLevel));
        map.from(settings::getErrorRateTolerance)
                .to(checked(prefix + ".error-rate-tolerance", builder::errorRateTolerance));
        map.from(settings::getLatencyTolerance).to(checked(prefix + ".latency-tolerance", builder::latencyTolerance));
        map.from(settings::getLatencyResolution)
                .to(checked(prefix + ".latency-resolution", builder::latencyResolution));
        map.from(settings::getMinimumSamples).to(checked(prefix + ".minimum-samples", builder::minimumSamples));
        map.from(settings::getMaximumErrorRate).to(checked(prefix + ".maximum-error-rate", builder::maximumErrorRate));
        Duration maximumLatency = settings.getMaximumLatency() != null
                ? settings.getMaximumLatency() : base.maximumLatency();
        map.from(settings::getMaximumLatency).to(checked(prefix + ".maximum-latency",
                latency -> builder.maximumLatency(latency, base.maximumLatencyQuantile())));
        map.from(settings::getMaximumLatencyQuantile).to(checked(prefix + ".maximum-latency-quantile",
                quantile -> builder.maximumLatency(maximumLatency, quantile)));
        map.from(settings::getHoldback).to(checked(prefix + ".holdback", builder::holdback));
        map.from(settings::getFlagErrorLogInterval)
                .to(checked(prefix + ".flag-error-log-interval", builder::flagErrorLogInterval));
        return builder.build();
    }

    /** Checks every guard setting, as {@link #defaults} and {@link #features} will apply them. */
    static void check(RollbackProperties properties) {
        features(RollbackRegistry.builder(), defaults(properties), properties);
    }
}
