package dev.rollback.core.ledger;

import java.time.Instant;
import java.util.List;

/**
 * Where the history of versions, deployments and rollbacks is kept: the records that the agent and
 * people read to know what ran, what was rolled back and why.
 *
 * <p>Implementations must be safe for use from several threads, and every write must be idempotent
 * by record id: the registry retries a write that failed, and a retry of a write that in fact
 * succeeded must not create a second record. The registry never calls a ledger on the calling
 * thread of a guarded call; writes go through a bounded queue and are retried with backoff.
 *
 * <p>Two implementations ship with the core: {@link InMemoryRollbackLedger} (the default) and
 * {@link JdbcRollbackLedger} (H2 and PostgreSQL).
 */
public interface RollbackLedger {

    /**
     * Records a version of a service. If a version with the same {@linkplain MicroserviceVersion#id()
     * id} exists, only its status is updated.
     *
     * @param version the version to record
     */
    void recordVersion(MicroserviceVersion version);

    /**
     * Records a deployment, or updates its end time and result if one with the same id exists.
     *
     * @param deployment the deployment to record
     */
    void recordDeployment(DeploymentRecord deployment);

    /**
     * Records that the instance of a deployment is alive at a time. A deployment that is not (yet)
     * recorded, or that has ended, is left as it is.
     *
     * @param deploymentRecordId the instance's deployment record
     * @param time               when it was alive
     */
    void heartbeat(String deploymentRecordId, Instant time);

    /**
     * Records a rollback. A rollback whose id is already recorded is left as it is.
     *
     * @param rollback the rollback to record
     */
    void recordRollback(RollbackRecord rollback);

    /**
     * Records how a recorded rollback ended, when another system carried it further after it was
     * recorded (the fleet-wide kill switch after a feature rollback): sets the
     * {@linkplain RollbackRecord#outcome() outcome} of the rollback with that id, so that one
     * rollback stays one record. Idempotent; a rollback that is not recorded is left unrecorded.
     *
     * @param rollbackId the rollback's id
     * @param outcome    how it ended
     */
    void recordOutcome(String rollbackId, RollbackOutcome outcome);

    /**
     * Returns the recorded versions of a service, oldest deployment first.
     *
     * @param serviceName the service name
     * @return the versions, possibly empty
     */
    List<MicroserviceVersion> versions(String serviceName);

    /**
     * Returns the deployments of a version, oldest first.
     *
     * @param microserviceVersionId the version's id
     * @return the deployments, possibly empty
     */
    List<DeploymentRecord> deployments(String microserviceVersionId);

    /**
     * Returns the instances of a service whose deployment has not ended, whatever their heartbeat,
     * oldest start first. Whether one of them still runs is for the caller to judge from its
     * {@linkplain ServiceInstance#heartbeatTime() heartbeat}.
     *
     * @param serviceName the service name
     * @return the instances, possibly empty
     */
    List<ServiceInstance> runningInstances(String serviceName);

    /**
     * Returns the rollbacks recorded for a deployment, oldest first.
     *
     * @param deploymentRecordId the deployment's id
     * @return the rollbacks, possibly empty
     */
    List<RollbackRecord> rollbacks(String deploymentRecordId);
}
