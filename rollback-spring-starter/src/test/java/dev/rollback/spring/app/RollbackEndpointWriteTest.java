package dev.rollback.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.ledger.RollbackRecord;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The endpoint's writes with write access on and no Spring Security, as users will run it: over
 * real HTTP, only features that exist can be changed, names are checked and reasons stay one line.
 */
class RollbackEndpointWriteTest {

    @Test
    void createsNoFeatureForTwoThousandPostsToMadeUpNamesAndChecksNamesAndReasons() {
        Map<String, Object> properties = new HashMap<>(CheckoutScenario.PROPERTIES);
        properties.put("server.port", 0);
        properties.put("spring.datasource.url", "jdbc:h2:mem:endpoint-writes");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CheckoutApplication.class)
                .properties(properties).run()) {
            CheckoutScenario scenario = new CheckoutScenario(
                    ((WebServerApplicationContext) context).getWebServer().getPort());
            RollbackRegistry registry = context.getBean(RollbackRegistry.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            int guards = registry.guards().size();
            int reportedFeatures = scenario.json("/actuator/rollback").path("features").size();

            int notFound = 0;
            for (int i = 0; i < 2_000; i++) {
                HttpResponse<String> response = scenario.post("/actuator/rollback/made-up-" + i,
                        "{\"action\":\"rollback\",\"reason\":\"x\"}");
                notFound += response.statusCode() == 404 ? 1 : 0;
            }

            assertThat(notFound).isEqualTo(2_000);
            assertThat(registry.guards()).hasSize(guards);
            assertThat(meters.getMeters()).flatExtracting(meter -> meter.getId().getTags())
                    .noneMatch(tag -> tag.getValue().contains("made-up"));
            assertThat(scenario.json("/actuator/rollback").path("features").size()).isEqualTo(reportedFeatures);
            assertThat(scenario.post("/actuator/rollback/bad%20name$", "{\"action\":\"rollback\"}").statusCode())
                    .isEqualTo(400);

            HttpResponse<String> rolledBack = scenario.post("/actuator/rollback/" + CheckoutService.RECEIPT,
                    "{\"action\":\"rollback\",\"reason\":\"wrong\\n2026-12-06 ERROR forged line\"}");

            assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
            RollbackRecord recorded = CheckoutScenario.awaitRecordedRollback(registry, CheckoutService.RECEIPT);
            assertThat(recorded.reason()).isEqualTo("wrong\\n2026-12-06 ERROR forged line").doesNotContain("\n");
            registry.guards().forEach(guard -> guard.reinstate());
        }
    }
}
