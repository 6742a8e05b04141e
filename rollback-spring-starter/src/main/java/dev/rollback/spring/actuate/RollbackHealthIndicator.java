package dev.rollback.spring.actuate;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.health.HealthReport;
import dev.rollback.core.health.HealthStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The instance's rollback health as a Spring Boot health indicator ({@code rollback}).
 *
 * <ul>
 *   <li>{@code UP} while no feature is rolled back, and also while some are ({@code DEGRADED}): their
 *       old paths serve, the instance is fine;</li>
 *   <li>{@link #ROLLBACK_REQUESTED} when a regression could not be contained (a feature without an
 *       old path was rolled back): the instance asks to be reverted. The starter orders it after
 *       {@code DOWN} and {@code OUT_OF_SERVICE} and maps it to HTTP 503, so that a health group that
 *       includes {@code rollback} answers 503 to the agent that polls it.</li>
 * </ul>
 * The details are the instance's health report, {@link HealthReport#toMap()}: the same fields as
 * {@code GET /actuator/rollback}, whose {@code status} is the report's ({@code UP}, {@code DEGRADED}
 * or {@code ROLLBACK_REQUESTED}).
 */
public final class RollbackHealthIndicator implements HealthIndicator {

    /** The status of an instance that asks to be reverted to its previous version. */
    public static final Status ROLLBACK_REQUESTED = new Status(HealthStatus.ROLLBACK_REQUESTED.name(),
            "A regression could not be contained in the process; the instance asks to be reverted");

    private final RollbackRegistry registry;

    /**
     * Creates the indicator.
     *
     * @param registry the registry whose health it reports
     */
    public RollbackHealthIndicator(RollbackRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        HealthReport report = registry.health();
        Health.Builder health = report.status() == HealthStatus.ROLLBACK_REQUESTED
                ? Health.status(ROLLBACK_REQUESTED) : Health.up();
        return health.withDetails(report.toMap()).build();
    }
}
