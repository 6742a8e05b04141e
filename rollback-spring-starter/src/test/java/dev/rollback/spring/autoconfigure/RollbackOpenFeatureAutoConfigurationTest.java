package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.flags.UnleashFlagSource;
import dev.rollback.flags.UnleashFlagSubscriber;
import dev.rollback.openfeature.OpenFeatureFlagSource;
import io.getunleash.FakeUnleash;
import io.getunleash.Unleash;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** OpenFeature is the flag source only with rollback-openfeature, a client or API bean, and no Unleash. */
class RollbackOpenFeatureAutoConfigurationTest {

    private static final String DOMAIN = "starter-" + UUID.randomUUID();

    static {
        OpenFeatureAPI.getInstance().setProviderAndWait(DOMAIN, new InMemoryProvider(Map.of("checkout-v2",
                Flag.<Boolean>builder().variant("on", true).variant("off", false).defaultVariant("on").build())));
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RollbackUnleashAutoConfiguration.class,
                    RollbackOpenFeatureAutoConfiguration.class, RollbackAutoConfiguration.class));

    private final ApplicationContextRunner withClient = runner
            .withBean(Client.class, () -> OpenFeatureAPI.getInstance().getClient(DOMAIN));

    @Test
    void wiresTheFlagSourceOnTheApplicationsClient() {
        withClient.run(context -> {
            FlagSource flags = context.getBean(FlagSource.class);
            assertThat(flags).isInstanceOf(OpenFeatureFlagSource.class);
            assertThat(flags.isEnabled("checkout-v2", "user-1")).isTrue();
            assertThat(flags.isEnabled("no-such-flag", "user-1")).isFalse();
        });
    }

    @Test
    void usesTheDefaultClientOfAnApiBean() {
        runner.withBean(OpenFeatureAPI.class, OpenFeatureAPI::getInstance).run(context ->
                assertThat(context.getBean(FlagSource.class)).isInstanceOf(OpenFeatureFlagSource.class));
    }

    @Test
    void unleashWinsWhenBothAreThere() {
        withClient.withBean(UnleashFlagSubscriber.class, UnleashFlagSubscriber::new)
                .withBean(Unleash.class, FakeUnleash::new)
                .run(context -> assertThat(context.getBean(FlagSource.class)).isInstanceOf(UnleashFlagSource.class));
    }

    @Test
    void backsOffWithoutAClient() {
        runner.run(context -> assertThat(context).doesNotHaveBean(OpenFeatureFlagSource.class));
    }

    @Test
    void backsOffWithoutRollbackOpenFeature() {
        withClient.withClassLoader(new FilteredClassLoader(OpenFeatureFlagSource.class))
                .run(context -> assertThat(context).doesNotHaveBean(OpenFeatureFlagSource.class)
                        .hasSingleBean(FlagSource.class));
    }

    @Test
    void backsOffWhenDisabled() {
        withClient.withPropertyValues("rollback.openfeature.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(OpenFeatureFlagSource.class));
    }

    @Test
    void aBadSettingFailsTheStartUpNamingTheProperty() {
        withClient.withPropertyValues("rollback.openfeature.cache-maximum-size=0").run(context ->
                assertThat(context).getFailure().rootCause().isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("cacheMaximumSize must be at least 1, was 0"));
        withClient.withPropertyValues("rollback.openfeature.cache-maximum-size=0").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining(
                        "Invalid value '0' for property 'rollback.openfeature.cache-maximum-size'"));
    }

    @Test
    void theDefaultsAreTheFlagSourcesOwn() {
        RollbackProperties.OpenFeature defaults = new RollbackProperties().getOpenfeature();

        assertThat(defaults.isEnabled()).isTrue();
        assertThat(defaults.getCacheMaximumSize()).isEqualTo(OpenFeatureFlagSource.DEFAULT_CACHE_MAXIMUM_SIZE);
        assertThat(defaults.getErrorLogInterval()).isEqualTo(OpenFeatureFlagSource.DEFAULT_ERROR_LOG_INTERVAL);
    }
}
