package dev.rollback.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The starter in a running web application, over real HTTP, with its ledger on the application's
 * embedded H2 database: a broken new path is rolled back while every client gets an answer, the
 * actuator shows it, and the ledger records it. {@link RollbackPostgresApplicationTest} runs the same
 * on PostgreSQL.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RollbackApplicationTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        CheckoutScenario.PROPERTIES.forEach((name, value) -> registry.add(name, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    CheckoutService service;

    @Autowired
    RollbackRegistry registry;

    @AfterEach
    void reinstateFeatures() {
        service.repairNewCheckout();
        registry.guards().forEach(guard -> guard.reinstate());
    }

    @Test
    void rollsBackABrokenNewPathWithoutAFailedRequestAndReportsItInTheActuator() {
        CheckoutScenario scenario = new CheckoutScenario(port);

        CheckoutScenario.Traffic traffic = scenario.breakNewPathUntilRolledBack(service);

        traffic.print("H2");
        assertThat(scenario.state(CheckoutService.CHECKOUT)).isEqualTo("ROLLED_BACK");
        assertThat(traffic.failed()).as("requests that failed, of %d", traffic.requests()).isZero();
        assertThat(traffic.answeredByOldPath()).isPositive();
        assertThat(registry.ledger()).isInstanceOf(JdbcRollbackLedger.class);
        assertThat(CheckoutScenario.awaitRecordedRollback(registry, CheckoutService.CHECKOUT).actor())
                .isEqualTo("judge");

        JsonNode checkout = scenario.feature(CheckoutService.CHECKOUT);
        assertThat(checkout.path("status").asString()).isEqualTo("DEGRADED");
        assertThat(checkout.path("rollout").asInt()).isEqualTo(50);
        assertThat(checkout.path("rolloutSource").asString()).isEqualTo("rollback.features.checkout-v2.rollout");
        JsonNode lastRollback = checkout.path("lastRollback");
        assertThat(lastRollback.path("actor").asString()).isEqualTo("judge");
        assertThat(lastRollback.path("evidence").path("criterion").asString()).isEqualTo("ERROR_RATE");
        assertThat(lastRollback.path("evidence").path("newEstimate").asDouble())
                .isGreaterThan(lastRollback.path("evidence").path("oldEstimate").asDouble());
        JsonNode report = scenario.json("/actuator/rollback");
        assertThat(report.path("service").asString()).isEqualTo("checkout");
        assertThat(report.path("version").asString()).isEqualTo("1.4.0");
        assertThat(report.path("status").asString()).isEqualTo("DEGRADED");

        HttpResponse<String> health = scenario.get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode rollback = CheckoutScenario.parse(health.body()).path("components").path("rollback");
        assertThat(rollback.path("status").asString()).isEqualTo("UP");
        assertThat(rollback.path("details").path("status").asString()).isEqualTo("DEGRADED");
        assertThat(rollback.path("details").path("features").path(0).path("feature").asString())
                .isEqualTo(CheckoutService.CHECKOUT);
        assertThat(rollback.path("details").path("features").path(0).path("state").asString())
                .isEqualTo("ROLLED_BACK");

        String prometheus = scenario.get("/actuator/prometheus").body();
        assertThat(prometheus)
                .contains("rollback_calls_seconds_count{")
                .containsPattern("rollback_rollbacks_total\\{[^}]*feature=\"checkout-v2\"")
                .containsPattern("rollback_state\\{[^}]*feature=\"checkout-v2\"");

        long newCallsAtRollback = service.newCheckoutCalls();
        for (int i = 0; i < 50; i++) {
            assertThat(scenario.get("/checkout?user=late-" + i).body()).startsWith("v1:");
        }
        assertThat(service.newCheckoutCalls()).as("new path calls after the rollback").isEqualTo(newCallsAtRollback);
    }

    @Test
    void featureWithoutOldPathRolledBackMakesTheHealthGroupAnswer503UntilReinstated() {
        CheckoutScenario scenario = new CheckoutScenario(port);
        assertThat(scenario.get("/receipt?order=1").body()).isEqualTo("receipt:1");
        assertThat(scenario.get("/actuator/health/instance").statusCode()).isEqualTo(200);

        HttpResponse<String> rolledBack = scenario.post("/actuator/rollback/" + CheckoutService.RECEIPT,
                "{\"action\":\"rollback\",\"reason\":\"receipts are wrong\"}");

        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
        assertThat(CheckoutScenario.parse(rolledBack.body()).path("state").asString()).isEqualTo("ROLLED_BACK");
        HttpResponse<String> agent = scenario.get("/actuator/health/instance");
        assertThat(agent.statusCode()).isEqualTo(503);
        assertThat(CheckoutScenario.parse(agent.body()).path("status").asString()).isEqualTo("ROLLBACK_REQUESTED");
        assertThat(scenario.get("/actuator/health").statusCode()).isEqualTo(503);
        JsonNode receipt = scenario.feature(CheckoutService.RECEIPT);
        assertThat(receipt.path("lastRollback").path("reason").asString()).isEqualTo("receipts are wrong");
        assertThat(receipt.path("lastRollback").path("actor").asString()).isEqualTo("manual");

        HttpResponse<String> undo = scenario.post("/actuator/rollback/" + CheckoutService.RECEIPT,
                "{\"action\":\"undo\"}");
        assertThat(undo.statusCode()).isEqualTo(400);
        assertThat(CheckoutScenario.parse(undo.body()).path("message").asString())
                .isEqualTo("action must be 'rollback' or 'reinstate', was 'undo'");
        assertThat(CheckoutScenario.parse(undo.body()).path("actions").toString())
                .isEqualTo("[\"rollback\",\"reinstate\"]");
        HttpResponse<String> reinstated = scenario.post("/actuator/rollback/" + CheckoutService.RECEIPT,
                "{\"action\":\"reinstate\"}");

        assertThat(reinstated.statusCode()).isEqualTo(200);
        assertThat(scenario.get("/actuator/health/instance").statusCode()).isEqualTo(200);
    }
}
