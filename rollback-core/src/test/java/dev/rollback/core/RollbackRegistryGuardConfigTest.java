package dev.rollback.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.guard.ReleaseGuard;
import org.junit.jupiter.api.Test;

/** The registry's configurations: a default and one per feature, compared by value. */
class RollbackRegistryGuardConfigTest {

    private static final GuardConfig FIVE_SAMPLES = GuardConfig.custom().minimumSamples(5).build();

    @Test
    void createsAFeaturesGuardWithTheConfigurationGivenForIt() {
        GuardConfig strict = GuardConfig.custom().significanceLevel(0.05).build();
        try (RollbackRegistry registry = RollbackRegistry.builder().defaultGuardConfig(FIVE_SAMPLES)
                .guardConfig("checkout-v2", strict).build()) {

            assertThat(registry.guard("checkout-v2").config()).isEqualTo(strict);
            assertThat(registry.guard("search-v2").config()).isEqualTo(FIVE_SAMPLES);
        }
    }

    @Test
    void returnsTheSameGuardForAnEqualConfiguration() {
        try (RollbackRegistry registry = RollbackRegistry.builder().build()) {
            ReleaseGuard first = registry.guard("checkout-v2", GuardConfig.custom().minimumSamples(5).build());

            assertThat(registry.guard("checkout-v2", GuardConfig.custom().minimumSamples(5).build())).isSameAs(first);
            assertThat(registry.guard("checkout-v2")).isSameAs(first);
        }
    }

    @Test
    void refusesAnotherConfigurationForAnExistingGuardNamingBoth() {
        try (RollbackRegistry registry = RollbackRegistry.builder().build()) {
            registry.guard("checkout-v2", FIVE_SAMPLES);

            assertThatThrownBy(() -> registry.guard("checkout-v2", GuardConfig.ofDefaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'checkout-v2' already exists with another configuration")
                    .hasMessageContaining("minimumSamples=5")
                    .hasMessageContaining("minimumSamples=20");
        }
    }

    @Test
    void refusesAConfigurationOtherThanTheOneTheBuilderGaveTheFeature() {
        try (RollbackRegistry registry = RollbackRegistry.builder().guardConfig("checkout-v2", FIVE_SAMPLES).build()) {

            assertThatThrownBy(() -> registry.guard("checkout-v2", GuardConfig.ofDefaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'checkout-v2' is configured with GuardConfig{")
                    .hasMessageContaining("minimumSamples=5")
                    .hasMessageContaining("minimumSamples=20");
            assertThat(registry.find("checkout-v2")).isEmpty();
            assertThat(registry.guard("checkout-v2", GuardConfig.custom().minimumSamples(5).build()).config())
                    .isEqualTo(FIVE_SAMPLES);
        }
    }

    @Test
    void refusesAnInvalidFeatureNameForAConfiguration() {
        assertThatThrownBy(() -> RollbackRegistry.builder().guardConfig(" ", FIVE_SAMPLES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("' '");
    }

    @Test
    void tellsItsServiceNameAndVersion() {
        try (RollbackRegistry registry = RollbackRegistry.builder().service("checkout", "1.4.0").build()) {
            assertThat(registry.service()).isEqualTo("checkout");
            assertThat(registry.version()).isEqualTo("1.4.0");
        }
    }
}
