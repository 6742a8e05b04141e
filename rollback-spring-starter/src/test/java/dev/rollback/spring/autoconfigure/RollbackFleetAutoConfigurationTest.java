package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.fleet.Fleet;
import dev.rollback.core.fleet.FleetConfig;
import dev.rollback.core.fleet.FleetScope;
import dev.rollback.core.fleet.FleetStore;
import dev.rollback.core.ledger.JdbcFleetStore;
import dev.rollback.core.metrics.RollbackMetricNames;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code rollback.fleet.*}: the fleet judge runs by default on a JDBC ledger, and only there. */
class RollbackFleetAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, RollbackAutoConfiguration.class,
                    RollbackFleetAutoConfiguration.class));

    private ApplicationContextRunner withH2() {
        return runner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:fleet-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "rollback.service.name=checkout");
    }

    @Test
    void joinsTheFleetOnTheLedgersDatabaseByDefault() {
        withH2().withPropertyValues("rollback.fleet.publish-interval=200ms").run(context -> {
            assertThat(context).hasSingleBean(Fleet.class);
            assertThat(context.getBean(FleetStore.class)).isInstanceOf(JdbcFleetStore.class);
            assertThat(context.getBean(FleetConfig.class).publishInterval()).isEqualTo(Duration.ofMillis(200));
            RollbackRegistry registry = context.getBean(RollbackRegistry.class);
            String instance = registry.health().instance();
            FleetStore store = context.getBean(FleetStore.class);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    store.liveInstances(new FleetScope("checkout", registry.version()), Instant.EPOCH).contains(instance));
            assertThat(registry.meterRegistry().get(RollbackMetricNames.FLEET_INSTANCES).gauge()).isNotNull();
        });
    }

    @Test
    void backsOffWithoutADataSource() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RollbackAutoConfiguration.class,
                        RollbackFleetAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Fleet.class));
    }

    @Test
    void backsOffWhenDisabled() {
        withH2().withPropertyValues("rollback.fleet.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Fleet.class));
    }

    @Test
    void refusesABadIntervalNamingThePropertyAndValue() {
        withH2().withPropertyValues("rollback.fleet.publish-interval=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalArgumentException.class);
            assertThat(context.getStartupFailure()).hasStackTraceContaining("'rollback.fleet.publish-interval'")
                    .hasStackTraceContaining("'PT0S'");
        });
    }

    @Test
    void defaultsAreTheCoreDefaults() {
        RollbackProperties.Fleet fleet = new RollbackProperties().getFleet();
        assertThat(fleet.isEnabled()).isTrue();
        assertThat(fleet.getPublishInterval()).isEqualTo(FleetConfig.DEFAULT_PUBLISH_INTERVAL);
        assertThat(fleet.getStaleAfter()).isEqualTo(FleetConfig.DEFAULT_STALE_AFTER);
        assertThat(fleet.getMaximumPendingBlocks()).isEqualTo(FleetConfig.DEFAULT_MAXIMUM_PENDING_BLOCKS);
    }
}
