package dev.rollback.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import dev.rollback.core.ledger.MicroserviceVersion;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.testing.RequiredServer;
import dev.rollback.testing.TestPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link RollbackApplicationTest}'s scenario on a real PostgreSQL, by default the one
 * {@code .ci/start-postgres.sh} starts: {@code jdbc:postgresql://127.0.0.1:5432/appdb}, user and
 * password {@code app}; override with {@code rollback.pg.url}, {@code rollback.pg.user},
 * {@code rollback.pg.password} (or {@code ROLLBACK_PG_URL}, ...). Each run has a schema of its own: the
 * service's version is the same in every run, so the fleet would pool an earlier run's evidence. The application is started in the
 * test, after the server was found reachable, so that an unreachable server skips the test (or fails
 * it with {@code rollback.it.required=true}, see {@link RequiredServer}) instead of failing the context.
 */
class RollbackPostgresApplicationTest {

    private static final String SCHEMA = "starter_postgres_app";
    private static final String USER = TestPostgresServer.USER;
    private static final String PASSWORD = TestPostgresServer.PASSWORD;

    private String url;

    @BeforeEach
    void freshSchema() throws SQLException {
        TestPostgresServer.assumeReachable();
        url = TestPostgresServer.freshSchema(SCHEMA);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        TestPostgresServer.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @Test
    void rollsBackABrokenNewPathAndRecordsItInTheLedgerOnPostgres() throws SQLException {
        Map<String, Object> properties = new HashMap<>(CheckoutScenario.PROPERTIES);
        properties.put("server.port", 0);
        properties.put("spring.datasource.url", url);
        properties.put("spring.datasource.username", USER);
        properties.put("spring.datasource.password", PASSWORD);
        String deployment;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CheckoutApplication.class)
                .properties(properties).run()) {
            RollbackRegistry registry = context.getBean(RollbackRegistry.class);
            CheckoutScenario scenario = new CheckoutScenario(
                    ((WebServerApplicationContext) context).getWebServer().getPort());
            deployment = registry.deployment().id();

            CheckoutScenario.Traffic traffic = scenario.breakNewPathUntilRolledBack(context.getBean(CheckoutService.class));

            traffic.print("PostgreSQL");
            assertThat(scenario.state(CheckoutService.CHECKOUT)).isEqualTo("ROLLED_BACK");
            assertThat(traffic.failed()).as("requests that failed, of %d", traffic.requests()).isZero();
            assertThat(registry.ledger()).isInstanceOf(JdbcRollbackLedger.class);
            RollbackRecord recorded = CheckoutScenario.awaitRecordedRollback(registry, CheckoutService.CHECKOUT);
            assertThat(recorded.scope()).isEqualTo(RollbackScope.FEATURE);
            assertThat(recorded.reason()).contains("error rate");
            assertThat(registry.ledger().versions("checkout")).extracting(MicroserviceVersion::version)
                    .contains("1.4.0");
        }
        // Read back by plain SQL, after the context closed: the records are in the database itself.
        assertThat(query("select count(*) from rollback_record where deployment_record_id = '" + deployment
                + "' and feature = 'checkout-v2'")).isEqualTo(1);
        assertThat(query("select count(*) from deployment_record where id = '" + deployment
                + "' and end_time is not null")).isEqualTo(1);
    }

    private long query(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, USER, PASSWORD);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
