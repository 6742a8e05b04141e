package dev.rollback.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The endpoint's write operation is refused until the application opts in. */
class RollbackEndpointAccessTest {

    @Test
    void refusesToRollBackThroughTheEndpointByDefault() {
        Map<String, Object> properties = new HashMap<>(CheckoutScenario.PROPERTIES);
        properties.remove("management.endpoint.rollback.access");
        properties.put("server.port", 0);
        properties.put("spring.datasource.url", "jdbc:h2:mem:endpoint-access");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CheckoutApplication.class)
                .properties(properties).run()) {
            CheckoutScenario scenario = new CheckoutScenario(
                    ((WebServerApplicationContext) context).getWebServer().getPort());
            assertThat(scenario.get("/actuator/rollback").statusCode()).isEqualTo(200);

            HttpResponse<String> refused = scenario.post("/actuator/rollback/" + CheckoutService.CHECKOUT,
                    "{\"action\":\"rollback\"}");

            assertThat(refused.statusCode()).isEqualTo(405);
            assertThat(scenario.state(CheckoutService.CHECKOUT)).isNotEqualTo("ROLLED_BACK");
        }
    }
}
