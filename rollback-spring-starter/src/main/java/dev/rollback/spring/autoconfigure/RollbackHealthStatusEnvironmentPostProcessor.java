package dev.rollback.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Teaches Boot's health endpoint the {@code ROLLBACK_REQUESTED} status, as defaults that the
 * application's own properties override: ordered after {@code DOWN} and {@code OUT_OF_SERVICE}, before
 * {@code UP}, and mapped to HTTP 503 (with {@code DOWN} and {@code OUT_OF_SERVICE} kept at 503, since
 * a mapping of one status replaces Boot's built-in ones). An application that sets its own
 * {@code management.endpoint.health.status.order} must list {@code ROLLBACK_REQUESTED} in it.
 */
public final class RollbackHealthStatusEnvironmentPostProcessor implements EnvironmentPostProcessor {

    /** The name of the property source added, last. */
    public static final String PROPERTY_SOURCE_NAME = "rollbackHealthStatusDefaults";

    /** Creates the post-processor; Spring Boot does. */
    public RollbackHealthStatusEnvironmentPostProcessor() {
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty("rollback.enabled", Boolean.class, true)) {
            return;
        }
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("management.endpoint.health.status.order", "DOWN,OUT_OF_SERVICE,ROLLBACK_REQUESTED,UP,UNKNOWN");
        defaults.put("management.endpoint.health.status.http-mapping.DOWN", 503);
        defaults.put("management.endpoint.health.status.http-mapping.OUT_OF_SERVICE", 503);
        defaults.put("management.endpoint.health.status.http-mapping.ROLLBACK_REQUESTED", 503);
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
    }
}
