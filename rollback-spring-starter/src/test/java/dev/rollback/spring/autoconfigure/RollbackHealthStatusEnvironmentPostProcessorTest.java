package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class RollbackHealthStatusEnvironmentPostProcessorTest {

    private final StandardEnvironment environment = new StandardEnvironment();

    @Test
    void ordersAndMapsRollbackRequestedTo503KeepingDownAt503() {
        postProcess();

        assertThat(environment.getProperty("management.endpoint.health.status.order"))
                .isEqualTo("DOWN,OUT_OF_SERVICE,ROLLBACK_REQUESTED,UP,UNKNOWN");
        assertThat(environment.getProperty("management.endpoint.health.status.http-mapping.ROLLBACK_REQUESTED"))
                .isEqualTo("503");
        assertThat(environment.getProperty("management.endpoint.health.status.http-mapping.DOWN")).isEqualTo("503");
    }

    @Test
    void yieldsToTheApplicationsOwnSettings() {
        environment.getPropertySources().addFirst(new MapPropertySource("application", Map.of(
                "management.endpoint.health.status.order", "DOWN,ROLLBACK_REQUESTED,UP",
                "management.endpoint.health.status.http-mapping.ROLLBACK_REQUESTED", "500")));

        postProcess();

        assertThat(environment.getProperty("management.endpoint.health.status.order")).isEqualTo("DOWN,ROLLBACK_REQUESTED,UP");
        assertThat(environment.getProperty("management.endpoint.health.status.http-mapping.ROLLBACK_REQUESTED"))
                .isEqualTo("500");
    }

    @Test
    void addsNothingWhenRollbackIsDisabled() {
        environment.getPropertySources().addFirst(new MapPropertySource("application", Map.of("rollback.enabled", "false")));

        postProcess();

        assertThat(environment.getPropertySources().contains(
                RollbackHealthStatusEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
    }

    private void postProcess() {
        new RollbackHealthStatusEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
    }
}
