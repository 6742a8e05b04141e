package dev.rollback.core.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An instance that the ledger believes is running: a {@linkplain DeploymentRecord deployment} that
 * has not ended, with the version it runs and the last time it said it was alive. An instance that
 * crashed never ends its deployment, so whether it still runs is a matter of how old its heartbeat
 * is: see {@link #isAlive(Instant, Duration)}.
 *
 * @param deploymentRecordId the instance's deployment record
 * @param serviceName        the service
 * @param version            the version it runs
 * @param instanceId         the instance, e.g. a host or pod name
 * @param startTime          when it started
 * @param heartbeatTime      when it last said it was alive (its start time until its first heartbeat)
 */
public record ServiceInstance(String deploymentRecordId, String serviceName, String version, String instanceId,
                              Instant startTime, Instant heartbeatTime) {

    /**
     * Checks that no component is null.
     */
    public ServiceInstance {
        Objects.requireNonNull(deploymentRecordId, "deploymentRecordId");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(heartbeatTime, "heartbeatTime");
    }

    /**
     * Returns whether this instance counts as alive at a time: its last heartbeat is no older than
     * the timeout.
     *
     * @param now     the time to judge at
     * @param timeout how old a heartbeat may be; an instance silent for longer counts as gone
     * @return whether it counts as alive
     */
    public boolean isAlive(Instant now, Duration timeout) {
        return !heartbeatTime.plus(timeout).isBefore(now);
    }
}
