package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.examples.checkout.CheckoutApplication;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * The service's reason to exist, over real HTTP on H2: the new checkout breaks for half of the users,
 * every order is still placed (by the old path), the judge rolls the feature back, and the service
 * says so in {@code /actuator/rollback}, its health and its ledger table.
 */
@SpringBootTest(classes = CheckoutApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"checkout.demo.admin-enabled=true",
                "spring.datasource.url=jdbc:h2:mem:checkout-rollback;DB_CLOSE_DELAY=-1"})
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RollbackOverHttpTest {

    /** Enough for the judge at a 100% new-path error rate (it needs 20 samples per path) with room to spare. */
    private static final int ORDERS = 400;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private ServiceClient client;
    private final ClientStats stats = new ClientStats(1);

    @BeforeAll
    void breakTheNewPathForHalfOfTheUsers() {
        client = new ServiceClient(port);
        client.setRollout(50);
        client.setFault("errors", 1.0, 0);
        for (int i = 0; i < ORDERS; i++) {
            ServiceClient.OrderResult r = client.placeOrder("user-" + i, "Edsger Dijkstra", "INK-3", 1);
            stats.record(0, r.answer(), r.latencyMicros(), r.failure());
        }
    }

    @Test
    void noOrderFailedForTheClient() {
        assertThat(stats.total()).isEqualTo(ORDERS);
        assertThat(stats.failures()).as("first failure: %s", stats.firstFailure()).isZero();
        assertThat(stats.answeredByV2()).as("a failing new path never answers").isZero();
    }

    @Test
    void theJudgeRolledTheFeatureBackOnTheErrorRateAndTheEndpointShowsTheEvidence() {
        JsonNode feature = feature(client.rollbackEndpoint());

        assertThat(feature.path("state").asString()).isEqualTo("ROLLED_BACK");
        JsonNode rollback = feature.path("lastRollback");
        assertThat(rollback.path("actor").asString()).isEqualTo("judge");
        JsonNode evidence = rollback.path("evidence");
        assertThat(evidence.path("criterion").asString()).isEqualTo("ERROR_RATE");
        assertThat(evidence.path("logEvidence").asDouble()).isGreaterThanOrEqualTo(evidence.path("logThreshold").asDouble());
        assertThat(evidence.path("newEstimate").asDouble()).isGreaterThan(evidence.path("oldEstimate").asDouble());
        assertThat(Observer.verdict(rollback)).startsWith("by judge, error_rate: error rate");
    }

    @Test
    void theInstanceReportsItselfDegradedNotAskingForARevert() {
        assertThat(client.rollbackEndpoint().path("status").asString()).isEqualTo("DEGRADED");
    }

    @Test
    void theLedgerInTheServicesDatabaseHoldsTheRollback() {
        // ledger writes are queued off the call path, so the row may land a moment after the verdict
        await("the rollback_record row").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                jdbc.sql("SELECT COUNT(*) FROM rollback_record WHERE feature = 'checkout-v2' AND actor = 'judge'")
                        .query(Long.class).single()).isEqualTo(1));
    }

    @Test
    void afterTheRollbackTheOldPathAnswersEveryone() {
        ServiceClient.OrderResult r = client.placeOrder("user-1", "Barbara Liskov", "PAD-4", 1);

        assertThat(r.answer()).isEqualTo(ClientStats.Answer.V1);
    }

    private static JsonNode feature(JsonNode report) {
        for (JsonNode f : report.path("features")) {
            if ("checkout-v2".equals(f.path("feature").asString())) {
                return f;
            }
        }
        throw new AssertionError("no checkout-v2 in " + report);
    }
}
