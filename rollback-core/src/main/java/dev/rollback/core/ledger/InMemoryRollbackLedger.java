package dev.rollback.core.ledger;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A ledger that keeps its records in memory, for tests and for services without a database. The
 * records are lost when the process ends.
 */
public final class InMemoryRollbackLedger implements RollbackLedger {

    private final Map<String, MicroserviceVersion> versions = new ConcurrentHashMap<>();
    private final Map<String, DeploymentRecord> deployments = new ConcurrentHashMap<>();
    private final Map<String, RollbackRecord> rollbacks = new ConcurrentHashMap<>();
    private final Map<String, Instant> heartbeats = new ConcurrentHashMap<>();

    /** Creates an empty ledger. */
    public InMemoryRollbackLedger() {
    }

    @Override
    public void recordVersion(MicroserviceVersion version) {
        versions.merge(version.id(), version, (old, added) -> old.withStatus(added.status()));
    }

    @Override
    public void recordDeployment(DeploymentRecord deployment) {
        deployments.merge(deployment.id(), deployment,
                (old, added) -> added.endTime() == null ? old.withResult(added.result())
                        : old.ended(added.endTime(), added.result()));
    }

    @Override
    public void heartbeat(String deploymentRecordId, Instant time) {
        DeploymentRecord deployment = deployments.get(deploymentRecordId);
        if (deployment != null && deployment.endTime() == null) {
            heartbeats.merge(deploymentRecordId, time, (old, added) -> added.isAfter(old) ? added : old);
        }
    }

    @Override
    public void recordRollback(RollbackRecord rollback) {
        rollbacks.putIfAbsent(rollback.id(), rollback);
    }

    @Override
    public void recordOutcome(String rollbackId, RollbackOutcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        rollbacks.computeIfPresent(rollbackId, (id, recorded) -> recorded.withOutcome(outcome));
    }

    @Override
    public List<MicroserviceVersion> versions(String serviceName) {
        return versions.values().stream()
                .filter(v -> v.serviceName().equals(serviceName))
                .sorted(Comparator.comparing(MicroserviceVersion::deploymentTime))
                .toList();
    }

    @Override
    public List<DeploymentRecord> deployments(String microserviceVersionId) {
        return deployments.values().stream()
                .filter(d -> d.microserviceVersionId().equals(microserviceVersionId))
                .sorted(Comparator.comparing(DeploymentRecord::startTime))
                .toList();
    }

    @Override
    public List<ServiceInstance> runningInstances(String serviceName) {
        return deployments.values().stream()
                .filter(d -> d.endTime() == null)
                .flatMap(d -> {
                    MicroserviceVersion version = versions.get(d.microserviceVersionId());
                    return version == null || !version.serviceName().equals(serviceName) ? Stream.empty()
                            : Stream.of(new ServiceInstance(d.id(), serviceName, version.version(), d.instanceId(),
                                    d.startTime(), heartbeats.getOrDefault(d.id(), d.startTime())));
                })
                .sorted(Comparator.comparing(ServiceInstance::startTime).thenComparing(ServiceInstance::instanceId))
                .toList();
    }

    @Override
    public List<RollbackRecord> rollbacks(String deploymentRecordId) {
        return rollbacks.values().stream()
                .filter(r -> r.deploymentRecordId().equals(deploymentRecordId))
                .sorted(Comparator.comparing(RollbackRecord::rollbackTime))
                .toList();
    }
}
