package dev.rollback.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RollbackLedger} must do. A subclass supplies the ledger; the ledger may hold
 * records of earlier tests, because every test here writes under service names and ids of its own.
 */
abstract class RollbackLedgerContract {

    static final Instant T0 = Instant.parse("2026-11-26T10:15:30.123456Z");
    private static final int WRITERS = 8;
    private static final int ROUNDS = 25;

    /**
     * Returns the ledger under test, the same one throughout a test. Called first from the test's
     * own thread.
     *
     * @return the ledger
     */
    protected abstract RollbackLedger ledger();

    @Test
    void readsBackVersionsOfOneServiceOldestDeploymentFirst() {
        String service = unique("checkout");
        MicroserviceVersion v2 = MicroserviceVersion.of(service, "1.2.0", T0.plusSeconds(60), VersionStatus.DEPLOYED);
        MicroserviceVersion v1 = MicroserviceVersion.of(service, "1.1.0", T0, VersionStatus.ROLLED_BACK);
        MicroserviceVersion v3 = MicroserviceVersion.of(service, "1.3.0", T0.plusSeconds(120),
                VersionStatus.ROLLBACK_REQUESTED);
        MicroserviceVersion otherService = MicroserviceVersion.of(unique("billing"), "1.2.0", T0,
                VersionStatus.DEPLOYED);

        ledger().recordVersion(v2);
        ledger().recordVersion(v3);
        ledger().recordVersion(otherService);
        ledger().recordVersion(v1);

        assertThat(ledger().versions(service)).containsExactly(v1, v2, v3);
    }

    @Test
    void readsBackDeploymentsOfOneVersionOldestFirst() {
        MicroserviceVersion version = recordedVersion();
        MicroserviceVersion otherVersion = recordedVersion();
        DeploymentRecord late = new DeploymentRecord(unique("d"), version.id(), "pod-b", T0.plusSeconds(30), null,
                DeploymentResult.RUNNING);
        DeploymentRecord early = new DeploymentRecord(unique("d"), version.id(), "pod-a", T0, T0.plusSeconds(90),
                DeploymentResult.ROLLED_BACK);
        DeploymentRecord other = new DeploymentRecord(unique("d"), otherVersion.id(), "pod-c", T0, null,
                DeploymentResult.RUNNING);

        ledger().recordDeployment(late);
        ledger().recordDeployment(other);
        ledger().recordDeployment(early);

        assertThat(ledger().deployments(version.id())).containsExactly(early, late);
    }

    @Test
    void readsBackRollbacksOfOneDeploymentOldestFirst() {
        DeploymentRecord deployment = recordedDeployment();
        DeploymentRecord otherDeployment = recordedDeployment();
        RollbackRecord instance = new RollbackRecord(unique("r"), deployment.id(), T0.plusSeconds(20),
                "instance error rate 12% over 5 minutes", null, RollbackScope.INSTANCE, "agent");
        RollbackRecord feature = new RollbackRecord(unique("r"), deployment.id(), T0.plusSeconds(10),
                "checkout-v2: error rate 4.1% vs 0.3% on the old path", "checkout-v2", RollbackScope.FEATURE, "judge");
        RollbackRecord other = new RollbackRecord(unique("r"), otherDeployment.id(), T0, "manual", "search-v3",
                RollbackScope.FEATURE, "manual");

        ledger().recordRollback(instance);
        ledger().recordRollback(other);
        ledger().recordRollback(feature);

        assertThat(ledger().rollbacks(deployment.id())).containsExactly(feature, instance);
    }

    @Test
    void readsBackTheTriggerVersionsAndOutcomeOfAnInstanceRollback() {
        DeploymentRecord deployment = recordedDeployment();
        RollbackRecord revert = new RollbackRecord(unique("r"), deployment.id(), T0, "ROLLBACK_REQUESTED on 3 of 4",
                null, RollbackScope.INSTANCE, "agent", "health", "2.0.0", "1.9.3", RollbackOutcome.SUCCEEDED);

        ledger().recordRollback(revert);

        assertThat(ledger().rollbacks(deployment.id())).containsExactly(revert);
    }

    @Test
    void listsTheRunningInstancesOfAServiceWithTheirLatestHeartbeat() {
        String service = unique("checkout");
        MicroserviceVersion old = MicroserviceVersion.of(service, "1.0.0", T0, VersionStatus.DEPLOYED);
        MicroserviceVersion current = MicroserviceVersion.of(service, "1.1.0", T0.plusSeconds(60),
                VersionStatus.DEPLOYED);
        ledger().recordVersion(old);
        ledger().recordVersion(current);
        DeploymentRecord oldPod = new DeploymentRecord(unique("d"), old.id(), "pod-old", T0, null,
                DeploymentResult.RUNNING);
        DeploymentRecord newPod = new DeploymentRecord(unique("d"), current.id(), "pod-new", T0.plusSeconds(60), null,
                DeploymentResult.RUNNING);
        DeploymentRecord stopped = new DeploymentRecord(unique("d"), old.id(), "pod-stopped", T0.plusSeconds(1),
                T0.plusSeconds(30), DeploymentResult.COMPLETED);
        ledger().recordDeployment(newPod);
        ledger().recordDeployment(oldPod);
        ledger().recordDeployment(stopped);

        ledger().heartbeat(oldPod.id(), T0.plusSeconds(90));
        ledger().heartbeat(oldPod.id(), T0.plusSeconds(80));
        ledger().heartbeat(stopped.id(), T0.plusSeconds(90));
        ledger().heartbeat(unique("unknown"), T0.plusSeconds(90));

        assertThat(ledger().runningInstances(service)).containsExactly(
                new ServiceInstance(oldPod.id(), service, "1.0.0", "pod-old", T0, T0.plusSeconds(90)),
                new ServiceInstance(newPod.id(), service, "1.1.0", "pod-new", T0.plusSeconds(60),
                        T0.plusSeconds(60)));
    }

    @Test
    void forgetsARunningInstanceOnceItsDeploymentEnds() {
        DeploymentRecord deployment = recordedDeployment();
        String service = ledger().runningInstances(serviceOf(deployment)).get(0).serviceName();

        ledger().recordDeployment(deployment.ended(T0.plusSeconds(5), DeploymentResult.COMPLETED));

        assertThat(ledger().runningInstances(service)).isEmpty();
    }

    @Test
    void readsNothingForUnknownServicesVersionsAndDeployments() {
        assertThat(ledger().runningInstances(unique("unknown"))).isEmpty();
        assertThat(ledger().versions(unique("unknown"))).isEmpty();
        assertThat(ledger().deployments(unique("unknown"))).isEmpty();
        assertThat(ledger().rollbacks(unique("unknown"))).isEmpty();
    }

    @Test
    void updatesOnlyTheStatusWhenAVersionIsRecordedAgain() {
        MicroserviceVersion first = recordedVersion();
        MicroserviceVersion again = new MicroserviceVersion(first.id(), first.serviceName(), first.version(),
                first.deploymentTime().plusSeconds(3600), VersionStatus.ROLLBACK_REQUESTED);

        ledger().recordVersion(again);

        assertThat(ledger().versions(first.serviceName()))
                .containsExactly(first.withStatus(VersionStatus.ROLLBACK_REQUESTED));
    }

    @Test
    void updatesEndTimeAndResultWhenADeploymentIsRecordedAgain() {
        DeploymentRecord running = recordedDeployment();

        ledger().recordDeployment(running.ended(T0.plusSeconds(300), DeploymentResult.ROLLED_BACK));

        assertThat(ledger().deployments(running.microserviceVersionId()))
                .containsExactly(running.ended(T0.plusSeconds(300), DeploymentResult.ROLLED_BACK));
    }

    @Test
    void keepsTheEndTimeWhenADeploymentIsRecordedAgainWithoutOne() {
        DeploymentRecord running = recordedDeployment();
        DeploymentRecord ended = running.ended(T0.plusSeconds(300), DeploymentResult.ROLLBACK_REQUESTED);
        ledger().recordDeployment(ended);

        ledger().recordDeployment(running.withResult(DeploymentResult.ROLLED_BACK));

        assertThat(ledger().deployments(running.microserviceVersionId()))
                .containsExactly(ended.withResult(DeploymentResult.ROLLED_BACK));
    }

    @Test
    void recordsTheOutcomeOfARecordedRollbackOnItsOneRecord() {
        DeploymentRecord deployment = recordedDeployment();
        RollbackRecord rollback = new RollbackRecord(unique("r"), deployment.id(), T0, "error rate 4.1% vs 0.3%",
                "checkout-v2", RollbackScope.FEATURE, "judge");
        ledger().recordRollback(rollback);

        ledger().recordOutcome(rollback.id(), RollbackOutcome.FAILED);
        ledger().recordOutcome(rollback.id(), RollbackOutcome.FAILED);
        ledger().recordOutcome(unique("never-recorded"), RollbackOutcome.SUCCEEDED);

        assertThat(ledger().rollbacks(deployment.id())).singleElement()
                .isEqualTo(rollback.withOutcome(RollbackOutcome.FAILED));
    }

    @Test
    void recordsEachRollbackOnceWhenRetried() {
        DeploymentRecord deployment = recordedDeployment();
        RollbackRecord rollback = new RollbackRecord(unique("r"), deployment.id(), T0, "p99 latency 2.3x baseline",
                "search-v3", RollbackScope.FEATURE, "judge");
        ledger().recordRollback(rollback);

        ledger().recordRollback(rollback);
        ledger().recordRollback(new RollbackRecord(rollback.id(), deployment.id(), T0.plusSeconds(5), "retried",
                "search-v3", RollbackScope.FEATURE, "judge"));

        assertThat(ledger().rollbacks(deployment.id())).containsExactly(rollback);
    }

    @Test
    void recordsEachVersionOnceWhenWrittenConcurrently() throws Exception {
        RollbackLedger ledger = ledger();
        String service = unique("checkout");
        VersionStatus[] statuses = VersionStatus.values();

        runConcurrently((round, writer) -> ledger.recordVersion(MicroserviceVersion.of(service, "1." + round,
                T0.plusSeconds(round), statuses[writer % statuses.length])));

        List<MicroserviceVersion> versions = ledger().versions(service);
        assertThat(versions).hasSize(ROUNDS);
        for (int round = 0; round < ROUNDS; round++) {
            assertThat(versions.get(round).version()).isEqualTo("1." + round);
            assertThat(versions.get(round).deploymentTime()).isEqualTo(T0.plusSeconds(round));
        }
    }

    @Test
    void recordsEachDeploymentOnceWhenWrittenConcurrently() throws Exception {
        MicroserviceVersion version = recordedVersion();
        String prefix = unique("d");

        RollbackLedger ledger = ledger();
        runConcurrently((round, writer) -> ledger.recordDeployment(new DeploymentRecord(prefix + "-" + round,
                version.id(), "pod-" + round, T0.plusSeconds(round), null, DeploymentResult.RUNNING)));

        assertThat(ledger().deployments(version.id())).extracting(DeploymentRecord::instanceId)
                .containsExactlyElementsOf(numbered("pod-"));
    }

    @Test
    void recordsEachRollbackOnceWhenWrittenConcurrently() throws Exception {
        DeploymentRecord deployment = recordedDeployment();
        String prefix = unique("r");

        RollbackLedger ledger = ledger();
        runConcurrently((round, writer) -> ledger.recordRollback(new RollbackRecord(prefix + "-" + round,
                deployment.id(), T0.plusSeconds(round), "reason " + round, "f", RollbackScope.FEATURE, "judge")));

        assertThat(ledger().rollbacks(deployment.id())).extracting(RollbackRecord::reason)
                .containsExactlyElementsOf(numbered("reason "));
    }

    /** Records a version of a service of its own, and returns it. */
    MicroserviceVersion recordedVersion() {
        MicroserviceVersion version = MicroserviceVersion.of(unique("checkout"), "2.0.0", T0, VersionStatus.DEPLOYED);
        ledger().recordVersion(version);
        recordedServices.put(version.id(), version.serviceName());
        return version;
    }

    /** Returns the service of a recorded deployment's version. */
    private String serviceOf(DeploymentRecord deployment) {
        return recordedServices.get(deployment.microserviceVersionId());
    }

    private final java.util.Map<String, String> recordedServices = new java.util.concurrent.ConcurrentHashMap<>();

    /** Records a running deployment of a version of its own, and returns it. */
    DeploymentRecord recordedDeployment() {
        DeploymentRecord deployment = new DeploymentRecord(unique("d"), recordedVersion().id(), "pod-a", T0, null,
                DeploymentResult.RUNNING);
        ledger().recordDeployment(deployment);
        return deployment;
    }

    /** Returns a name no other test uses, so that tests can share one database. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<String> numbered(String prefix) {
        List<String> names = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            names.add(prefix + round);
        }
        return names;
    }

    /** A write by one of several writers in one round. */
    @FunctionalInterface
    interface ConcurrentWrite {
        void write(int round, int writer);
    }

    /**
     * Runs {@link #ROUNDS} rounds in which {@link #WRITERS} threads, released together, each make the
     * same write; fails if any write throws.
     */
    private static void runConcurrently(ConcurrentWrite write) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            CyclicBarrier start = new CyclicBarrier(WRITERS);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    try {
                        for (int round = 0; round < ROUNDS; round++) {
                            start.await(30, TimeUnit.SECONDS);
                            write.write(round, writer);
                        }
                    } catch (RuntimeException e) {
                        start.reset(); // releases the other writers at once instead of after the timeout
                        throw e;
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
