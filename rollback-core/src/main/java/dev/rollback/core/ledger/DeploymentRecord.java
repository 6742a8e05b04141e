package dev.rollback.core.ledger;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One instance running one version, as recorded in the {@code deployment_record} table.
 *
 * @param id                    the id, unique per instance start
 * @param microserviceVersionId the {@linkplain MicroserviceVersion#id() version} that runs
 * @param instanceId            the instance, e.g. a host or pod name
 * @param startTime             when the instance started
 * @param endTime               when the instance stopped, or {@code null} while it runs
 * @param result                how it went
 */
public record DeploymentRecord(String id, String microserviceVersionId, String instanceId, Instant startTime,
                               @Nullable Instant endTime, DeploymentResult result) {

    /**
     * Checks that no component but {@code endTime} is null.
     */
    public DeploymentRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(microserviceVersionId, "microserviceVersionId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(result, "result");
    }

    /**
     * Returns a copy that ended at the given time with the given result.
     *
     * @param time      when it ended
     * @param newResult how it went
     * @return the copy
     */
    public DeploymentRecord ended(Instant time, DeploymentResult newResult) {
        return new DeploymentRecord(id, microserviceVersionId, instanceId, startTime, time, newResult);
    }

    /**
     * Returns a copy with another result, still running.
     *
     * @param newResult the result
     * @return the copy
     */
    public DeploymentRecord withResult(DeploymentResult newResult) {
        return new DeploymentRecord(id, microserviceVersionId, instanceId, startTime, endTime, newResult);
    }
}
