package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.spring.FeatureRollouts;
import dev.rollback.spring.RollbackKey;
import dev.rollback.spring.Rollbackable;
import dev.rollback.spring.RollbackKeyResolver;
import dev.rollback.spring.actuate.RollbackHistory;
import dev.rollback.spring.actuate.RollbackEndpoint;
import dev.rollback.spring.actuate.RollbackHealthIndicator;
import dev.rollback.spring.aop.RollbackableBeanPostProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class RollbackAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RollbackUnleashAutoConfiguration.class,
                    RollbackAutoConfiguration.class, RollbackActuatorAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=health,rollback");

    @Test
    void wiresRegistryGuardsAndProxyingWithInMemoryLedgerWithoutDataSource() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(RollbackRegistry.class)
                    .hasSingleBean(FeatureRollouts.class)
                    .hasSingleBean(RollbackableBeanPostProcessor.class)
                    .hasSingleBean(RollbackEndpoint.class)
                    .hasSingleBean(RollbackHealthIndicator.class);
            assertThat(context.getBean(RollbackLedger.class)).isInstanceOf(InMemoryRollbackLedger.class);
            assertThat(context.getBean(FlagSource.class)).isInstanceOf(PropertiesFlagSource.class);
            assertThat(context.getBean(GuardConfig.class).toString()).isEqualTo(GuardConfig.ofDefaults().toString());
        });
    }

    @Test
    void backsOffWithoutCore() {
        runner.withClassLoader(new FilteredClassLoader(RollbackRegistry.class)).run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(RollbackRegistry.class)
                .doesNotHaveBean(RollbackableBeanPostProcessor.class)
                .doesNotHaveBean(RollbackEndpoint.class)
                .doesNotHaveBean(RollbackHealthIndicator.class));
    }

    @Test
    void backsOffWhenDisabled() {
        runner.withPropertyValues("rollback.enabled=false").run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(RollbackRegistry.class)
                .doesNotHaveBean(FlagSource.class)
                .doesNotHaveBean(RollbackableBeanPostProcessor.class)
                .doesNotHaveBean(RollbackEndpoint.class)
                .doesNotHaveBean(RollbackHealthIndicator.class));
    }

    @Test
    void backsOffFromActuatorWithoutActuator() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.endpoint"))
                .run(context -> assertThat(context).hasNotFailed()
                        .hasSingleBean(RollbackRegistry.class)
                        .doesNotHaveBean(RollbackEndpoint.class));
    }

    @Test
    void leavesTheEndpointOutUnlessItIsExposed() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=health")
                .run(context -> assertThat(context).hasSingleBean(RollbackHealthIndicator.class)
                        .doesNotHaveBean(RollbackEndpoint.class));
    }

    @Test
    void backsOffFromHealthIndicatorWhenItIsDisabled() {
        runner.withPropertyValues("management.health.rollback.enabled=false")
                .run(context -> assertThat(context).hasSingleBean(RollbackEndpoint.class)
                        .doesNotHaveBean(RollbackHealthIndicator.class));
    }

    static Stream<Arguments> userBeans() {
        return Stream.of(
                Arguments.of(FlagSource.class, (Supplier<Object>) InMemoryFlagSource::new),
                Arguments.of(GuardConfig.class, (Supplier<Object>) () -> GuardConfig.custom().minimumSamples(7).build()),
                Arguments.of(RollbackLedger.class, (Supplier<Object>) InMemoryRollbackLedger::new),
                Arguments.of(RollbackRegistry.class, (Supplier<Object>) () -> RollbackRegistry.builder().build()),
                Arguments.of(FeatureRollouts.class, (Supplier<Object>) () -> FeatureRollouts.decidedBy("own")),
                Arguments.of(RollbackableBeanPostProcessor.class, (Supplier<Object>) () ->
                        new RollbackableBeanPostProcessor(new StaticListableBeanFactory().getBeanProvider(RollbackRegistry.class),
                                new StaticListableBeanFactory().getBeanProvider(RollbackKeyResolver.class), true)),
                Arguments.of(RollbackHistory.class,
                        (Supplier<Object>) () -> new RollbackHistory(RollbackRegistry.builder().build())),
                Arguments.of(RollbackEndpoint.class, (Supplier<Object>) () -> {
                    RollbackRegistry registry = RollbackRegistry.builder().build();
                    return new RollbackEndpoint(registry, new RollbackHistory(registry));
                }),
                Arguments.of(RollbackHealthIndicator.class,
                        (Supplier<Object>) () -> new RollbackHealthIndicator(RollbackRegistry.builder().build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("userBeans")
    @SuppressWarnings("unchecked")
    void backsOffForAUserDefinedBean(Class<?> type, Supplier<Object> bean) {
        Object own = bean.get();
        runner.withBean("own", (Class<Object>) type, () -> own).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(type)).containsOnlyKeys("own");
            assertThat(context.getBean(type)).isSameAs(own);
        });
    }

    @Test
    void usesTheUserGuardConfigAsTheBaseOfFeatureSettings() {
        runner.withBean(GuardConfig.class, () -> GuardConfig.custom().minimumSamples(7).significanceLevel(0.05).build())
                .withBean("checkout", Checkout.class)
                .withPropertyValues("rollback.features.checkout-v2.minimum-samples=9")
                .run(context -> {
                    RollbackRegistry guards = context.getBean(RollbackRegistry.class);
                    assertThat(guards.guard("checkout-v2").config().minimumSamples()).isEqualTo(9);
                    assertThat(guards.guard("checkout-v2").config().significanceLevel()).isEqualTo(0.05);
                    assertThat(guards.guard("other").config().minimumSamples()).isEqualTo(7);
                });
    }

    @Test
    void putsTheLedgerOnTheApplicationsDataSourceAndCreatesItsTables() {
        runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:ledger-tables;DB_CLOSE_DELAY=-1")
                .run(context -> {
                    assertThat(context.getBean(RollbackLedger.class)).isInstanceOf(JdbcRollbackLedger.class);
                    assertThat(tableExists(context.getBean(DataSource.class), "ROLLBACK_RECORD")).isTrue();
                });
    }

    @Test
    void leavesTheTablesAloneWhenSchemaInitializationIsOff() {
        runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:ledger-no-tables;DB_CLOSE_DELAY=-1",
                        "rollback.ledger.initialize-schema=false")
                .run(context -> {
                    assertThat(context.getBean(RollbackLedger.class)).isInstanceOf(JdbcRollbackLedger.class);
                    assertThat(tableExists(context.getBean(DataSource.class), "ROLLBACK_RECORD")).isFalse();
                });
    }

    @Test
    void namesTheServiceFromTheApplicationNameAndTheBuildInfo() {
        Properties build = new Properties();
        build.setProperty("version", "2.0.1");
        runner.withPropertyValues("spring.application.name=checkout", "rollback.service.version=ignored",
                        "rollback.service.instance-id=checkout-7d4b9")
                .withBean(BuildProperties.class, () -> new BuildProperties(build))
                .run(context -> {
                    RollbackRegistry registry = context.getBean(RollbackRegistry.class);
                    assertThat(registry.health().service()).isEqualTo("checkout");
                    assertThat(registry.health().version()).isEqualTo("2.0.1");
                    assertThat(registry.health().instance()).isEqualTo("checkout-7d4b9");
                });
    }

    @Test
    void takesTheVersionFromPropertiesWithoutBuildInfo() {
        runner.withPropertyValues("rollback.service.name=payments", "rollback.service.version=1.4.0")
                .run(context -> {
                    RollbackRegistry registry = context.getBean(RollbackRegistry.class);
                    assertThat(registry.health().service()).isEqualTo("payments");
                    assertThat(registry.health().version()).isEqualTo("1.4.0");
                });
    }

    @Test
    void takesTheVersionFromTheMainClassManifestWithoutBuildInfoOrProperty() {
        // SpringApplication sets spring.application.version from the main class's Implementation-Version.
        runner.withPropertyValues("spring.application.version=3.2.1")
                .run(context -> assertThat(context.getBean(RollbackRegistry.class).health().version())
                        .isEqualTo("3.2.1"));
        runner.withPropertyValues("spring.application.version=3.2.1", "rollback.service.version=3.3.0")
                .run(context -> assertThat(context.getBean(RollbackRegistry.class).health().version())
                        .isEqualTo("3.3.0"));
        runner.run(context -> assertThat(context.getBean(RollbackRegistry.class).health().version())
                .isEqualTo(RollbackRegistry.Builder.DEFAULT_SERVICE_VERSION));
    }

    @Test
    void registersMetersInTheApplicationsMeterRegistry() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        runner.withBean(MeterRegistry.class, () -> meters).run(context -> {
            RollbackRegistry registry = context.getBean(RollbackRegistry.class);
            assertThat(registry.meterRegistry()).isSameAs(meters);
            context.getBean(RollbackRegistry.class).guard("checkout-v2").call(() -> "new", () -> "old");
            assertThat(meters.find("rollback.calls").tag("feature", "checkout-v2").timers()).isNotEmpty();
        });
    }

    @Test
    void appliesFeatureSettingsOverTheGuardDefaults() {
        runner.withBean("checkout", Checkout.class)
                .withPropertyValues("rollback.guard.significance-level=0.02",
                        "rollback.features.checkout-v2.minimum-samples=5",
                        "rollback.features.checkout-v2.maximum-latency=250ms",
                        "rollback.features.checkout-v2.rollout=0")
                .run(context -> {
                    RollbackRegistry guards = context.getBean(RollbackRegistry.class);
                    GuardConfig checkout = guards.guard("checkout-v2").config();
                    assertThat(checkout.minimumSamples()).isEqualTo(5);
                    assertThat(checkout.significanceLevel()).isEqualTo(0.02);
                    assertThat(checkout.maximumLatency()).hasMillis(250);
                    assertThat(checkout.maximumLatencyQuantile()).isEqualTo(GuardConfig.DEFAULT_MAXIMUM_LATENCY_QUANTILE);
                    assertThat(guards.guard("other").config().minimumSamples())
                            .isEqualTo(GuardConfig.DEFAULT_MINIMUM_SAMPLES);
                    FlagSource flags = context.getBean(FlagSource.class);
                    assertThat(flags.isEnabled("checkout-v2", "user-1")).isFalse();
                    assertThat(flags.isEnabled("other", "user-1")).isTrue();
                });
    }

    private static boolean tableExists(DataSource dataSource, String table) throws Exception {
        try (Connection connection = dataSource.getConnection();
             ResultSet tables = connection.getMetaData().getTables(null, null, table, null)) {
            return tables.next();
        }
    }

    /** The feature that {@code rollback.features.checkout-v2.*} configures. */
    static class Checkout {
        @Rollbackable("checkout-v2")
        public String checkoutV2(@RollbackKey String user) {
            return user;
        }
    }
}
