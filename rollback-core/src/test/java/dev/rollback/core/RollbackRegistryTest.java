package dev.rollback.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.health.FeatureHealth;
import dev.rollback.core.health.HealthStatus;
import dev.rollback.core.ledger.DeploymentRecord;
import dev.rollback.core.ledger.DeploymentResult;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.MicroserviceVersion;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.core.ledger.ServiceInstance;
import dev.rollback.core.ledger.VersionStatus;
import dev.rollback.core.metrics.RollbackMetricNames;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class RollbackRegistryTest {

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);

    @Test
    void recordsTheVersionTheDeploymentAndEachRollbackInTheLedger() {
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        String deploymentId;
        try (RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).ledger(ledger)
                .service("checkout", "1.4.0").instanceId("checkout-1").build()) {
            deploymentId = registry.deployment().id();
            registry.guard("checkout-v2").rollback("wrong totals");
            registry.guard("search-v2").rollback("slow");
        }

        MicroserviceVersion version = ledger.versions("checkout").get(0);
        assertThat(version.version()).isEqualTo("1.4.0");
        assertThat(version.status()).isEqualTo(VersionStatus.DEPLOYED);
        DeploymentRecord deployment = ledger.deployments(version.id()).get(0);
        assertThat(deployment.id()).isEqualTo(deploymentId);
        assertThat(deployment.instanceId()).isEqualTo("checkout-1");
        assertThat(deployment.result()).isEqualTo(DeploymentResult.COMPLETED);
        assertThat(deployment.endTime()).isNotNull();
        assertThat(ledger.rollbacks(deploymentId)).extracting(RollbackRecord::feature, RollbackRecord::reason,
                        RollbackRecord::scope, RollbackRecord::actor)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("checkout-v2", "wrong totals", RollbackScope.FEATURE, "manual"),
                        org.assertj.core.groups.Tuple.tuple("search-v2", "slow", RollbackScope.FEATURE, "manual"));
    }

    @Test
    void tellsTheLedgerItIsAliveUntilItCloses() {
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        try (RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).ledger(ledger)
                .service("checkout", "1.4.0").instanceId("checkout-1").heartbeatInterval(Duration.ofMillis(5))
                .build()) {
            Instant started = Instant.ofEpochMilli(clock.wallTime());
            clock.add(Duration.ofMinutes(3));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ledger.runningInstances("checkout"))
                    .singleElement().satisfies(instance -> {
                        assertThat(instance.deploymentRecordId()).isEqualTo(registry.deployment().id());
                        assertThat(instance.instanceId()).isEqualTo("checkout-1");
                        assertThat(instance.startTime()).isEqualTo(started);
                        assertThat(instance.heartbeatTime()).isEqualTo(started.plus(Duration.ofMinutes(3)));
                    }));
        }

        assertThat(ledger.runningInstances("checkout")).isEmpty();
    }

    @Test
    void marksTheDeploymentAndVersionWhenAnInstanceRollbackIsRequested() {
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        try (RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).ledger(ledger)
                .service("checkout", "1.5.0").build()) {
            ReleaseGuard guard = registry.guard("schema-v3");
            guard.call(() -> "no old path");
            guard.rollback("migration broke reads");
            assertThat(registry.health().status()).isEqualTo(HealthStatus.ROLLBACK_REQUESTED);
        }

        MicroserviceVersion version = ledger.versions("checkout").get(0);
        assertThat(version.status()).isEqualTo(VersionStatus.ROLLBACK_REQUESTED);
        DeploymentRecord deployment = ledger.deployments(version.id()).get(0);
        assertThat(deployment.result()).isEqualTo(DeploymentResult.ROLLBACK_REQUESTED);
        assertThat(ledger.rollbacks(deployment.id())).singleElement()
                .extracting(RollbackRecord::scope).isEqualTo(RollbackScope.INSTANCE);
    }

    @Test
    void makesAReasonOneLineWhereItEntersAndRefusesAnActorWithAControlCharacter() {
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        String deploymentId;
        try (RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).ledger(ledger).build()) {
            deploymentId = registry.deployment().id();
            ReleaseGuard guard = registry.guard("checkout-v2");
            guard.rollback("slow\n2026-12-06 ERROR forged line\u0000");
            registry.recordRollback(null, "x".repeat(100 * 1024), RollbackScope.INSTANCE, "agent");

            assertThat(registry.health().features()).singleElement().extracting(FeatureHealth::reason)
                    .isEqualTo("slow\\n2026-12-06 ERROR forged line\\u0000");
            assertThatThrownBy(() -> registry.recordRollback(null, "r", RollbackScope.INSTANCE, "alice\nERROR"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alice\\nERROR");
        }

        assertThat(ledger.rollbacks(deploymentId)).extracting(RollbackRecord::reason)
                .containsExactlyInAnyOrder("slow\\n2026-12-06 ERROR forged line\\u0000",
                        "x".repeat(1969) + "...[cut from 102400 characters]");
    }

    @Test
    void queuesAndRetriesWritesWhileTheLedgerIsDownAndLosesNone() {
        FlakyLedger ledger = new FlakyLedger(5);
        String deploymentId;
        try (RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).ledger(ledger)
                .ledgerRetryBackoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
            deploymentId = registry.deployment().id();
            for (int i = 0; i < 20; i++) {
                ReleaseGuard guard = registry.guard("feature-" + i);
                assertThat(guard.call(() -> "new", () -> "old")).as("calls never wait for the ledger").isEqualTo("new");
                guard.rollback("reason " + i);
            }
            assertThat(meters.get(RollbackMetricNames.LEDGER_RETRIES).counter().count()).isPositive();
        }

        assertThat(ledger.failuresLeft).hasValue(0);
        assertThat(ledger.rollbacks(deploymentId)).hasSize(20);
    }

    @Test
    void dropsAndCountsWritesOnlyWhenTheQueueIsFull() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        BlockingLedger ledger = new BlockingLedger(release);
        try (RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).ledger(ledger)
                .ledgerQueueCapacity(3).ledgerFlushTimeout(Duration.ofSeconds(5)).build()) {
            assertThat(ledger.entered.await(5, TimeUnit.SECONDS)).isTrue();
            // The version write is in flight and blocked; the deployment write waits in the queue.
            for (int i = 0; i < 4; i++) {
                registry.guard("feature-" + i).rollback("reason " + i);
            }
            assertThat(meters.get(RollbackMetricNames.LEDGER_DROPPED).counter().count()).isEqualTo(2);
            release.countDown();
        }
    }

    @Test
    void reportsHealthAsTheWorstFeatureInTheStableJsonFormat() {
        clock.add(Duration.ofSeconds(1_764_151_200L)); // 2025-11-26T10:00:00Z
        try (RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters)
                .service("checkout", "1.4.0").instanceId("checkout-1").build()) {
            registry.guard("a-feature");
            registry.guard("checkout-v2").rollback("error \"rate\" up");

            assertThat(registry.health().toJson()).isEqualTo("{\"format\":1,\"service\":\"checkout\","
                    + "\"version\":\"1.4.0\",\"instance\":\"checkout-1\",\"status\":\"DEGRADED\","
                    + "\"reason\":\"checkout-v2: error \\\"rate\\\" up\",\"time\":\"2025-11-26T10:00:00.001Z\","
                    + "\"features\":[{\"feature\":\"a-feature\",\"state\":\"OFF\",\"status\":\"UP\","
                    + "\"reason\":\"no call yet\",\"since\":\"2025-11-26T10:00:00.001Z\",\"oldPath\":true},"
                    + "{\"feature\":\"checkout-v2\",\"state\":\"ROLLED_BACK\",\"status\":\"DEGRADED\","
                    + "\"reason\":\"error \\\"rate\\\" up\",\"since\":\"2025-11-26T10:00:00.001Z\",\"oldPath\":true}]}");
        }
    }

    @Test
    void stopsListeningToItsFlagSourceWhenClosed() {
        InMemoryFlagSource flags = new InMemoryFlagSource().enable("checkout-v2");
        RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).flagSource(flags).build();
        ReleaseGuard guard = registry.guard("checkout-v2");
        guard.call(() -> "new", () -> "old");

        registry.close();
        flags.disable("checkout-v2");

        assertThat(guard.state()).as("a closed registry's guards hear no more flag changes")
                .isEqualTo(GuardState.ROLLING_OUT);
    }

    @Test
    void removesItsRollbackCountersWhenClosed() {
        RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).build();
        registry.guard("checkout-v2").call(() -> "new", () -> "old");
        registry.guard("checkout-v2").rollback("wrong totals");
        assertThat(meters.find(RollbackMetricNames.ROLLBACKS).counter()).isNotNull();

        registry.close();

        assertThat(meters.getMeters()).isEmpty();
    }

    @Test
    void recordsOneRollbackWithTheOutcomeThatAnotherSystemReportsForItsEvent() {
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        String deploymentId;
        List<RollbackEvent> events = new CopyOnWriteArrayList<>();
        try (RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).ledger(ledger).build()) {
            deploymentId = registry.deployment().id();
            registry.getEventPublisher().onRollback(events::add);
            registry.guard("checkout-v2").rollback("wrong totals");
            registry.recordOutcome(events.get(0).recordId(), RollbackOutcome.SUCCEEDED);
            registry.recordRollback("search-v2", "turned off by hand", RollbackScope.FEATURE,
                    RollbackActors.UNLEASH_KILL_SWITCH, RollbackOutcome.FAILED);
        }

        assertThat(ledger.rollbacks(deploymentId))
                .extracting(RollbackRecord::feature, RollbackRecord::actor, RollbackRecord::outcome)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("checkout-v2", RollbackActors.MANUAL, RollbackOutcome.SUCCEEDED),
                        org.assertj.core.groups.Tuple.tuple("search-v2", RollbackActors.UNLEASH_KILL_SWITCH,
                                RollbackOutcome.FAILED));
        assertThat(ledger.rollbacks(deploymentId)).extracting(RollbackRecord::id).contains(events.get(0).recordId());
    }

    @Test
    void removesItsMetersWhenClosed() {
        RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).build();
        registry.guard("checkout-v2").call(() -> "new", () -> "old");
        assertThat(meters.find(RollbackMetricNames.CALLS).meters()).isNotEmpty();
        assertThat(meters.find("resilience4j.circuitbreaker.state").meters()).isNotEmpty();

        registry.close();

        assertThat(meters.getMeters()).isEmpty();
    }

    @Test
    void servesManyThreadsAtOnceWithoutAFailedCall() throws Exception {
        InMemoryFlagSource flags = new InMemoryFlagSource().rollout("checkout-v2", 50);
        int threads = 8;
        int callsPerThread = 5_000;
        LongAdder newCalls = new LongAdder();
        LongAdder oldCalls = new LongAdder();
        try (RollbackRegistry registry = RollbackRegistry.builder().flagSource(flags).build()) {
            ReleaseGuard guard = registry.guard("checkout-v2");
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicInteger failures = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < callsPerThread; i++) {
                        try {
                            guard.call("user-" + thread + "-" + (i % 100), () -> {
                                newCalls.increment();
                                return "new";
                            }, () -> {
                                oldCalls.increment();
                                return "old";
                            });
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(failures).hasValue(0);
            assertThat(newCalls.sum() + oldCalls.sum()).isEqualTo((long) threads * callsPerThread);
            assertThat(newCalls.sum()).isPositive();
            assertThat(oldCalls.sum()).isPositive();
            assertThat(guard.state()).as(() -> registry.health().reason()).isEqualTo(GuardState.ROLLING_OUT);
            double recorded = registry.meterRegistry().find(RollbackMetricNames.CALLS).timers().stream()
                    .mapToDouble(timer -> timer.count()).sum();
            assertThat(recorded).isEqualTo((double) threads * callsPerThread);
        }
    }

    @Test
    void rejectsInvalidBuilderSettingsNamingTheValue() {
        assertThatThrownBy(() -> RollbackRegistry.builder().service(" ", "1"))
                .hasMessage("service name must not be null or blank, was ' '");
        assertThatThrownBy(() -> RollbackRegistry.builder().service("checkout", null))
                .hasMessage("service version must not be null or blank, was null");
        assertThatThrownBy(() -> RollbackRegistry.builder().ledgerQueueCapacity(0))
                .hasMessage("ledgerQueueCapacity must be at least 1, was 0");
        assertThatThrownBy(() -> RollbackRegistry.builder().ledgerRetryBackoff(Duration.ofSeconds(2),
                Duration.ofSeconds(1)))
                .hasMessage("ledger maximum backoff (PT1S) must not be shorter than ledger initial backoff (PT2S)");
        assertThatThrownBy(() -> RollbackRegistry.builder().ledgerFlushTimeout(Duration.ZERO))
                .hasMessage("ledger flush timeout must be a positive duration, was PT0S");
        assertThatThrownBy(() -> RollbackRegistry.builder().heartbeatInterval(Duration.ofSeconds(-1)))
                .hasMessage("heartbeat interval must be a positive duration, was PT-1S");
    }

    /** A ledger in memory that lets a test step in before each write. */
    private abstract static class InterceptedLedger implements RollbackLedger {
        final InMemoryRollbackLedger records = new InMemoryRollbackLedger();

        abstract void beforeWrite(Object record);

        @Override
        public void recordVersion(MicroserviceVersion version) {
            beforeWrite(version);
            records.recordVersion(version);
        }

        @Override
        public void recordDeployment(DeploymentRecord deployment) {
            beforeWrite(deployment);
            records.recordDeployment(deployment);
        }

        @Override
        public void recordRollback(RollbackRecord rollback) {
            beforeWrite(rollback);
            records.recordRollback(rollback);
        }

        @Override
        public void recordOutcome(String rollbackId, RollbackOutcome outcome) {
            beforeWrite(rollbackId);
            records.recordOutcome(rollbackId, outcome);
        }

        @Override
        public void heartbeat(String deploymentRecordId, Instant time) {
            beforeWrite(deploymentRecordId);
            records.heartbeat(deploymentRecordId, time);
        }

        @Override
        public List<ServiceInstance> runningInstances(String serviceName) {
            return records.runningInstances(serviceName);
        }

        @Override
        public List<MicroserviceVersion> versions(String serviceName) {
            return records.versions(serviceName);
        }

        @Override
        public List<DeploymentRecord> deployments(String microserviceVersionId) {
            return records.deployments(microserviceVersionId);
        }

        @Override
        public List<RollbackRecord> rollbacks(String deploymentRecordId) {
            return records.rollbacks(deploymentRecordId);
        }
    }

    /** A ledger that fails its first writes, as a database that is down for a while. */
    private static final class FlakyLedger extends InterceptedLedger {
        final AtomicInteger failuresLeft;

        FlakyLedger(int failures) {
            this.failuresLeft = new AtomicInteger(failures);
        }

        @Override
        void beforeWrite(Object record) {
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("database down");
            }
        }
    }

    /** A ledger whose version write blocks until released, as a database that hangs. */
    private static final class BlockingLedger extends InterceptedLedger {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;

        BlockingLedger(CountDownLatch release) {
            this.release = release;
        }

        @Override
        void beforeWrite(Object record) {
            if (record instanceof MicroserviceVersion) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
