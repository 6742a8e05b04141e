package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.examples.checkout.CheckoutApplication;
import dev.rollback.testing.RequiredServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The service with its {@code postgres} and {@code unleash} profiles, against the real servers that
 * {@code .ci/run} starts: the migration and its triggers on PostgreSQL, the rollout decided by
 * Unleash, and on a regression the rollback with zero failed requests, the flag turned off in Unleash
 * by the kill switch (fleet-wide), and the ledger's record in PostgreSQL. The service is started in
 * the test, after both servers were found reachable, so an unreachable server skips the test (or
 * fails it with {@code rollback.it.required=true}). Settings as for the other integration tests:
 * {@code rollback.pg.url} (the schema {@value #SCHEMA} is added), {@code rollback.pg.user},
 * {@code rollback.pg.password}, {@code rollback.unleash.url}, {@code rollback.unleash.client-token},
 * {@code rollback.unleash.admin-token}, or their {@code ROLLBACK_*} environment variables.
 */
class PostgresUnleashCheckoutTest {

    private static final String SCHEMA = "checkout_example";
    private static final String PG_URL = RequiredServer.setting("rollback.pg.url", "ROLLBACK_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/appdb");
    private static final String PG_USER = RequiredServer.setting("rollback.pg.user", "ROLLBACK_PG_USER", "app");
    private static final String PG_PASSWORD = RequiredServer.setting("rollback.pg.password", "ROLLBACK_PG_PASSWORD", "app");
    private static final String UNLEASH_URL = RequiredServer.setting("rollback.unleash.url", "ROLLBACK_UNLEASH_URL",
            "http://127.0.0.1:4242").replaceAll("/+$", "");
    private static final String CLIENT_TOKEN = RequiredServer.setting("rollback.unleash.client-token",
            "ROLLBACK_UNLEASH_CLIENT_TOKEN", "default:development.it-client-token");
    private static final String ADMIN_TOKEN = RequiredServer.setting("rollback.unleash.admin-token",
            "ROLLBACK_UNLEASH_ADMIN_TOKEN", "*:*.it-admin-token");
    private static final Duration PROPAGATION = Duration.ofSeconds(15);

    @BeforeEach
    void skipUnlessBothServersAreReachable() {
        RequiredServer.assumeReachable("PostgreSQL at " + PG_URL + " (user " + PG_USER + ")",
                "sudo bash .ci/start-postgres.sh", () -> count("SELECT 1", null));
        RequiredServer.assumeReachable("Unleash at " + UNLEASH_URL, "sudo bash .ci/start-postgres.sh && sudo bash"
                + " .ci/start-unleash.sh", () -> {
                    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(UNLEASH_URL + "/api/admin/projects/default/features"))
                            .header("Authorization", ADMIN_TOKEN).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("the admin API answered HTTP " + r.statusCode());
                    }
                });
        // A run of its own: every run has the same service version, so the fleet would pool the evidence
        // an earlier run left in the schema (and its version schemas).
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); Statement s = c.createStatement()) {
            s.execute("DO $$ DECLARE n text; BEGIN FOR n IN SELECT nspname FROM pg_namespace WHERE nspname = '" + SCHEMA
                    + "' OR nspname LIKE '" + SCHEMA + "\\_%' LOOP EXECUTE 'DROP SCHEMA ' || quote_ident(n) || ' CASCADE';"
                    + " END LOOP; END $$");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void rollsBackOnPostgresTurnsTheFlagOffInUnleashAndNoOrderFails() throws SQLException {
        UnleashAdmin unleash = new UnleashAdmin("checkout-v2");
        unleash.prepare();
        String deployment;
        try (ConfigurableApplicationContext service = start()) {
            ServiceClient client = new ServiceClient(((WebServerApplicationContext) service).getWebServer().getPort());
            deployment = service.getBean(RollbackRegistry.class).deployment().id();

            ServiceClient.OrderResult before = client.placeOrder("user-0", "Frances Elizabeth Allen", "PAD-4", 1);
            assertThat(before.answer()).as("rollout 0%%: the old path").isEqualTo(ClientStats.Answer.V1);
            assertThat(client.order(before.orderId()).path("lastName").asString())
                    .as("the PostgreSQL trigger filled the new column").isEqualTo("Allen");
            assertThat(client.info().path("migration").path("phase").asString()).isEqualTo("expanded");

            assertThat(client.info().path("migration").path("schemas").path("newPath").asString())
                    .isEqualTo(SCHEMA + "_expand_split_customer_name");
            assertThat(client.info().path("migration").path("schemas").path("oldPath").asString())
                    .isEqualTo(SCHEMA + "_create_orders");
            assertThat(client.info().path("migration").path("schemas").path("rest").asString())
                    .as("no physical-schema setting: the service runs on its version schema")
                    .isEqualTo(SCHEMA + "_expand_split_customer_name");

            unleash.setRollout(50);
            ServiceClient.OrderResult[] byV2 = new ServiceClient.OrderResult[1];
            await("Unleash's 50% rollout reaches the service").atMost(PROPAGATION).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        byV2[0] = client.placeOrder("user-" + System.nanoTime() % 1000, "Ada King Lovelace", "BOOK-1", 1);
                        return byV2[0].answer() == ClientStats.Answer.V2;
                    });
            assertThat(client.order(byV2[0].orderId()).path("customerName").asString())
                    .as("the new path's write, as the previous version's schema shows it").isEqualTo("Ada King Lovelace");
            assertThat(client.order(byV2[0].orderId()).path("firstName").asString()).isEqualTo("Ada King");

            client.setFault("errors", 1.0, 0);
            ClientStats stats = new ClientStats(1);
            for (int i = 0; i < 400; i++) {
                ServiceClient.OrderResult r = client.placeOrder("user-" + i, "Donald Knuth", "INK-3", 1);
                stats.record(0, r.answer(), r.latencyMicros(), r.failure());
            }

            assertThat(stats.failures()).as("failed requests; the first: %s", stats.firstFailure()).isZero();
            assertThat(stats.answeredByV2()).isZero();
            assertThat(client.rollbackEndpoint().path("status").asString()).isEqualTo("DEGRADED");
            await("the kill switch turns checkout-v2 off in Unleash").atMost(PROPAGATION)
                    .pollInterval(Duration.ofMillis(200)).until(() -> !unleash.isOn());
        }
        assertThat(count("SELECT COUNT(*) FROM " + SCHEMA + ".rollback_record WHERE deployment_record_id = ?"
                + " AND feature = 'checkout-v2' AND actor = 'judge' AND outcome = 'SUCCEEDED'", deployment)).isEqualTo(1);
        // One rollback, one record: the kill switch's fleet-wide outcome is that record's, not a second row.
        assertThat(count("SELECT COUNT(*) FROM " + SCHEMA + ".rollback_record WHERE deployment_record_id = ?",
                deployment)).isEqualTo(1);
    }

    private static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(CheckoutApplication.class)
                .profiles("postgres", "unleash")
                .properties("server.port=0", "checkout.demo.admin-enabled=true",
                        "spring.datasource.url=" + PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA,
                        "spring.datasource.username=" + PG_USER, "spring.datasource.password=" + PG_PASSWORD,
                        "rollback.unleash.url=" + UNLEASH_URL + "/api/", "rollback.unleash.client-token=" + CLIENT_TOKEN,
                        "rollback.unleash.kill-switch.admin-url=" + UNLEASH_URL,
                        "rollback.unleash.kill-switch.token=" + ADMIN_TOKEN)
                .run();
    }

    private static long count(String sql, String parameter) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
             PreparedStatement s = c.prepareStatement(sql)) {
            if (parameter != null) {
                s.setString(1, parameter);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
