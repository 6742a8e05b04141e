package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The JDBC ledger has a small pool of its own, with its own connection timeout. */
class RollbackLedgerDataSourceTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, RollbackAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:ledger-pool-" + UUID.randomUUID()
                    + ";DB_CLOSE_DELAY=-1", "spring.datasource.hikari.maximum-pool-size=1");

    @Test
    void writesTheLedgerWhileTheApplicationsPoolIsExhausted() {
        runner.withPropertyValues("rollback.ledger.connection-timeout=2s").run(context -> {
            assertThat(context).hasNotFailed();
            DataSource ledgerPool = context.getBean(LedgerDataSource.class).dataSource();
            assertThat(ledgerPool).isInstanceOf(HikariDataSource.class).isNotSameAs(context.getBean(DataSource.class));
            assertThat(((HikariDataSource) ledgerPool).getConnectionTimeout()).isEqualTo(2_000);
            assertThat(((HikariDataSource) ledgerPool).getMaximumPoolSize()).isEqualTo(2);
            RollbackRegistry registry = context.getBean(RollbackRegistry.class);
            RollbackRecord record = new RollbackRecord(UUID.randomUUID().toString(), registry.deployment().id(),
                    Instant.parse("2026-12-06T02:00:00Z"), "by hand", "checkout-v2", RollbackScope.FEATURE, "manual");
            // The registry records its version and deployment itself, through its own queue.
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    !registry.ledger().deployments(registry.deployment().microserviceVersionId()).isEmpty());

            try (Connection onlyOne = context.getBean(DataSource.class).getConnection()) {
                assertThat(onlyOne.isValid(1)).as("the application's only connection, held").isTrue();
                registry.ledger().recordRollback(record);
            }

            assertThat(registry.ledger().rollbacks(registry.deployment().id())).containsExactly(record);
        });
    }

    @Test
    void setsUpTheLedgersConnectionsAsTheApplicationsAre() {
        // e.g. the SQL that creates the application's schema, which the ledger may need before the application
        runner.withPropertyValues("spring.datasource.hikari.connection-init-sql=CREATE SCHEMA IF NOT EXISTS ledger_it")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    HikariDataSource ledgerPool = (HikariDataSource) context.getBean(LedgerDataSource.class).dataSource();
                    assertThat(ledgerPool.getConnectionInitSql()).isEqualTo("CREATE SCHEMA IF NOT EXISTS ledger_it");
                });
    }

    @Test
    void refusesANonPositiveConnectionTimeoutNamingIt() {
        runner.withPropertyValues("rollback.ledger.connection-timeout=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(new RollbackFailureAnalyzers.InvalidProperty().analyze(context.getStartupFailure())
                    .getDescription()).contains("'rollback.ledger.connection-timeout'").contains("'PT0S'");
        });
    }
}
