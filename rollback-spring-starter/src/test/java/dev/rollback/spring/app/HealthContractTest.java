package dev.rollback.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.testing.HealthContract;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter serves, at {@code GET /actuator/rollback}, exactly the recorded {@link HealthContract}
 * that the agent's tests parse: the same bodies (times aside) with the same HTTP statuses, in every
 * status of the report; and the health group the indicator answers with the same HTTP status.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HealthContractTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        CheckoutScenario.PROPERTIES.forEach((name, value) -> registry.add(name, () -> value));
        registry.add("rollback.service.instance-id", () -> HealthContract.INSTANCE);
    }

    @LocalServerPort
    int port;

    @Autowired
    RollbackRegistry registry;

    @AfterEach
    void reinstateFeatures() {
        registry.guards().forEach(guard -> guard.reinstate());
    }

    @Test
    void servesTheRecordedHealthContractInEveryStatus() throws IOException {
        CheckoutScenario scenario = new CheckoutScenario(port);
        assertThat(scenario.get("/receipt?order=1").body()).isEqualTo("receipt:1");
        assertThat(scenario.get("/checkout?user=contract").statusCode()).isEqualTo(200);
        serves(scenario, HealthContract.UP);

        rollBack(scenario, HealthContract.WITH_OLD_PATH, "error rate 12% vs 1%");
        serves(scenario, HealthContract.DEGRADED);

        rollBack(scenario, HealthContract.WITHOUT_OLD_PATH, "receipts are wrong");
        serves(scenario, HealthContract.ROLLBACK_REQUESTED);
    }

    private static void rollBack(CheckoutScenario scenario, String feature, String reason) {
        HttpResponse<String> answer = scenario.post("/actuator/rollback/" + feature,
                "{\"action\":\"rollback\",\"reason\":\"" + reason + "\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private static void serves(CheckoutScenario scenario, HealthContract contract) throws IOException {
        HttpResponse<String> report = scenario.get("/actuator/rollback");
        String record = System.getProperty(HealthContract.RECORD_PROPERTY);
        String recorded = contract.body();
        if (record != null) {
            Files.writeString(Path.of(record, contract.fileName()), report.body() + "\n", StandardCharsets.UTF_8);
            recorded = report.body();
        }
        assertThat(report.statusCode()).as("HTTP status of the %s report", contract).isEqualTo(contract.httpStatus());
        assertThat(HealthContract.withoutTimes(report.body())).as("the %s report, as recorded in %s (renew it"
                        + " with -D%s=DIR if the change is meant)", contract, contract.fileName(),
                HealthContract.RECORD_PROPERTY)
                .isEqualTo(HealthContract.withoutTimes(recorded));

        HttpResponse<String> group = scenario.get("/actuator/health/instance");
        assertThat(group.statusCode()).as("HTTP status of the health group").isEqualTo(contract.httpStatus());
        assertThat(CheckoutScenario.parse(group.body()).path("components").path("rollback").path("details").path("status").asString())
                .isEqualTo(contract.name());
    }
}
