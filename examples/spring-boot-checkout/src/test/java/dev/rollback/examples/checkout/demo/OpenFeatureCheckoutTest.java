package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ImmutableContext;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.examples.checkout.CheckoutApplication;
import dev.rollback.openfeature.OpenFeatureFlagSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service with its {@code openfeature} profile: {@code checkout-v2} evaluated by flagd's
 * in-process provider on a copy of the module's flag file (a 50% fractional rollout), through the
 * OpenFeature flag source the starter wires; on a regression the rollback with zero failed requests,
 * the flag turned off in the file by the kill switch, and the kill switch's outcome on the
 * rollback's one ledger record. Nothing needs to run besides the service (H2, flagd in-process).
 */
class OpenFeatureCheckoutTest {

    private static final String FEATURE = "checkout-v2";
    /** The provider reads the file's modification time every 100 ms; 15 s bounds a loaded machine. */
    private static final Duration PROPAGATION = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void rollsBackTurnsTheFlagOffInTheFlagdFileAndNoOrderFails() {
        Path flagFile = dir.resolve("flagd.json");
        try (ConfigurableApplicationContext service = new SpringApplicationBuilder(CheckoutApplication.class)
                .profiles("openfeature")
                .properties("server.port=0", "checkout.demo.admin-enabled=true",
                        "spring.datasource.url=jdbc:h2:mem:checkout-openfeature;DB_CLOSE_DELAY=-1",
                        "checkout.openfeature.flag-file=" + flagFile, "checkout.openfeature.poll-interval-ms=100")
                .run()) {
            assertThat(service.getBean(FlagSource.class)).isInstanceOf(OpenFeatureFlagSource.class);
            assertThat(flag(flagFile).path("targeting").has("fractional"))
                    .as("the module's flag file was copied: a fractional rollout").isTrue();
            ServiceClient client = new ServiceClient(((WebServerApplicationContext) service).getWebServer().getPort());
            String deployment = service.getBean(RollbackRegistry.class).deployment().id();
            RollbackLedger ledger = service.getBean(RollbackLedger.class);

            ClientStats rollout = placeOrders(client, 200, "Ada King Lovelace", "BOOK-1");
            // flagd hashes flag key and targeting key into 100 buckets: about half of 200 users, never none or all
            assertThat(rollout.answeredByV2()).as("orders on the new path at a 50%% rollout").isBetween(60L, 140L);
            assertThat(rollout.failures()).as("failed requests; the first: %s", rollout.firstFailure()).isZero();

            client.setFault("errors", 1.0, 0);
            ClientStats regression = placeOrders(client, 400, "Donald Knuth", "INK-3");

            assertThat(regression.failures()).as("failed requests; the first: %s", regression.firstFailure()).isZero();
            assertThat(regression.answeredByV2()).as("every failing new-path call answered by the old path").isZero();
            assertThat(client.rollbackEndpoint().path("status").asString()).isEqualTo("DEGRADED");
            await("the kill switch rewrites the file").atMost(PROPAGATION).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        JsonNode off = flag(flagFile);
                        assertThat(off.path("defaultVariant").asString()).isEqualTo("off");
                        assertThat(off.has("targeting")).isFalse();
                    });
            Client flags = service.getBean(Client.class);
            await("the provider reloads the file: the flag is off for every user").atMost(PROPAGATION)
                    .pollInterval(Duration.ofMillis(100)).until(() -> IntStream.range(0, 200).noneMatch(
                            i -> flags.getBooleanValue(FEATURE, true, new ImmutableContext("user-" + i))));
            // One rollback, one record: the kill switch's fleet-wide outcome is that record's, not a second row.
            await("the ledger records the kill switch's outcome").atMost(PROPAGATION)
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(ledger.rollbacks(deployment))
                            .extracting(RollbackRecord::feature, RollbackRecord::scope, RollbackRecord::actor,
                                    RollbackRecord::outcome)
                            .containsExactly(tuple(FEATURE, RollbackScope.FEATURE, RollbackActors.JUDGE,
                                    RollbackOutcome.SUCCEEDED)));
        }
    }

    /** Places one order for each of the users {@code user-0} to {@code user-(count-1)}. */
    private static ClientStats placeOrders(ServiceClient client, int count, String customer, String sku) {
        ClientStats stats = new ClientStats(1);
        for (int i = 0; i < count; i++) {
            ServiceClient.OrderResult r = client.placeOrder("user-" + i, customer, sku, 1);
            stats.record(0, r.answer(), r.latencyMicros(), r.failure());
        }
        return stats;
    }

    /** The flag {@value #FEATURE} as the file has it now. */
    private static JsonNode flag(Path file) {
        return JsonMapper.builder().build().readTree(file.toFile()).path("flags").path(FEATURE);
    }
}
