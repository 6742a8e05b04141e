package dev.rollback.agent.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.DatabaseConfig;
import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.Quorum;
import dev.rollback.agent.config.ServerConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.config.ThrottleConfig;
import dev.rollback.agent.execute.RevertException;
import dev.rollback.agent.execute.RevertExecutor;
import dev.rollback.agent.execute.RevertJob;
import dev.rollback.agent.execute.RevertOutcome;
import dev.rollback.agent.metrics.AgentMetricNames;
import dev.rollback.agent.request.JdbcRequestStore;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Submission;
import dev.rollback.agent.request.Trigger;
import dev.rollback.core.ledger.DeploymentRecord;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import dev.rollback.core.ledger.LedgerException;
import dev.rollback.core.ledger.MicroserviceVersion;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.core.ledger.ServiceInstance;
import dev.rollback.core.ledger.VersionStatus;
import dev.rollback.testing.TestPostgresServer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class RevertSchedulerTest {

    private final MockClock clock = new MockClock();
    private final JdbcRequestStore store = new JdbcRequestStore(
            "jdbc:h2:mem:sched-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", "");
    private RevertScheduler scheduler;

    @AfterEach
    void close() {
        if (scheduler != null) {
            scheduler.close();
        }
        store.close();
    }

    /** Reverts at once, with a fixed plan. */
    static class Immediate implements RevertExecutor {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public RevertPlan plan(RevertJob job) {
            return new RevertPlan("revision 3 (shop/checkout:2.0.0)", "revision 2 (shop/checkout:1.9.0)", "rs");
        }

        @Override
        public RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun) {
            runs.incrementAndGet();
            return dryRun ? new RevertOutcome(RequestState.DRY_RUN, "would revert") : RevertOutcome.succeeded("done");
        }
    }

    private AgentConfig config(boolean dryRun, Duration cooldown) {
        return AgentConfig.builder(ServerConfig.withToken("t".repeat(32)))
                .throttle(new ThrottleConfig(2, Duration.ofMinutes(10)))
                .store(DatabaseConfig.DEFAULT_STORE)
                .dryRun(dryRun)
                .service(new ServiceConfig("checkout", 0, cooldown, new ExecutorConfig.Command(List.of("true"), "",
                        false, Duration.ofSeconds(1)), List.of(), null, Quorum.DEFAULT, 0))
                .build();
    }

    private RevertScheduler start(AgentConfig config, RevertExecutor executor,
                                  RollbackLedger ledger) {
        Function<ServiceConfig, RevertExecutor> executors = s -> executor;
        scheduler = new RevertScheduler(config, store, executors, ledger, clock, new SimpleMeterRegistry()).start();
        return scheduler;
    }

    private RevertRequest awaitEnd(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> store.find(id).orElseThrow().state().terminal()
                && store.unrecorded().isEmpty() && scheduler.inFlight() == 0);
        return store.find(id).orElseThrow();
    }

    @Test
    void recordsARevertOnceInTheLedgerWithTriggerVersionsAndOutcome() {
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        start(config(false, null), new Immediate(), ledger);

        String id = scheduler.submit("checkout", Trigger.HEALTH, "3 of 3 instances ask", "2.0.0", null, null)
                .request().id();
        RevertRequest done = awaitEnd(id);

        assertThat(done.state()).isEqualTo(RequestState.SUCCEEDED);
        List<MicroserviceVersion> versions = ledger.versions("checkout");
        assertThat(versions).singleElement().satisfies(v -> {
            assertThat(v.version()).isEqualTo("revision 3 (shop/checkout:2.0.0)");
            assertThat(v.status()).isEqualTo(VersionStatus.ROLLED_BACK);
        });
        List<DeploymentRecord> deployments = ledger.deployments(versions.get(0).id());
        assertThat(deployments).singleElement().satisfies(d -> assertThat(d.instanceId()).isEqualTo("agent:checkout"));
        List<RollbackRecord> rollbacks = ledger.rollbacks(deployments.get(0).id());
        assertThat(rollbacks).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(id);
            assertThat(r.scope()).isEqualTo(RollbackScope.INSTANCE);
            assertThat(r.actor()).isEqualTo("agent");
            assertThat(r.trigger()).isEqualTo("health");
            assertThat(r.fromVersion()).isEqualTo("revision 3 (shop/checkout:2.0.0)");
            assertThat(r.toVersion()).isEqualTo("revision 2 (shop/checkout:1.9.0)");
            assertThat(r.outcome()).isEqualTo(RollbackOutcome.SUCCEEDED);
            assertThat(r.reason()).contains("3 of 3 instances ask").contains("done");
        });
    }

    @Test
    void waitsForTheServiceCoolDownBeforeTheNextRevert() {
        Immediate executor = new Immediate();
        start(config(false, Duration.ofMinutes(5)), executor, new InMemoryRollbackLedger());
        awaitEnd(scheduler.submit("checkout", Trigger.MANUAL, "first", null, null, null).request().id());

        String second = scheduler.submit("checkout", Trigger.MANUAL, "second", null, null, null).request().id();
        clock.add(4, TimeUnit.MINUTES);
        scheduler.wake();

        assertThat(scheduler.quiet("checkout")).isFalse();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> store.find(second).orElseThrow().state() == RequestState.QUEUED);
        clock.add(61, TimeUnit.SECONDS);
        scheduler.wake();
        assertThat(awaitEnd(second).state()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(executor.runs.get()).isEqualTo(2);
    }

    @Test
    void dryRunChangesAndRecordsNothing() {
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        start(config(true, null), new Immediate(), ledger);

        RevertRequest done = awaitEnd(scheduler.submit("checkout", Trigger.ALERT, "alert", "2.0.0", null, null)
                .request().id());

        assertThat(done.state()).isEqualTo(RequestState.DRY_RUN);
        assertThat(done.detail()).isEqualTo("would revert");
        assertThat(ledger.versions("checkout")).isEmpty();
        assertThat(scheduler.quiet("checkout")).as("a dry run starts no cool-down").isTrue();
    }

    @Test
    void aRefusedPlanFailsTheRequestWithTheReasonAndIsRecorded() {
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        start(config(false, null), new Immediate() {
            @Override
            public RevertPlan plan(RevertJob job) {
                throw new RevertException("you cannot rollback a paused deployment");
            }
        }, ledger);

        RevertRequest done = awaitEnd(scheduler.submit("checkout", Trigger.MANUAL, "m", "2.0.0", null, null)
                .request().id());

        assertThat(done.state()).isEqualTo(RequestState.FAILED);
        assertThat(done.detail()).isEqualTo("you cannot rollback a paused deployment");
        MicroserviceVersion v = ledger.versions("checkout").get(0);
        assertThat(v.version()).isEqualTo("2.0.0");
        assertThat(v.status()).isEqualTo(VersionStatus.ROLLBACK_REQUESTED);
        assertThat(ledger.rollbacks(ledger.deployments(v.id()).get(0).id()))
                .singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo(RollbackOutcome.FAILED));
    }

    @Test
    void retriesALedgerWriteThatFailedUntilItIsRecorded() {
        AtomicInteger failures = new AtomicInteger(2);
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        start(config(false, null), new Immediate(), new FlakyLedger(ledger, failures));

        String id = scheduler.submit("checkout", Trigger.MANUAL, "m", null, null, null).request().id();
        // The retries back off in the scheduler's (virtual) time: move it on while waiting.
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            clock.add(Duration.ofSeconds(2));
            scheduler.wake();
            return store.find(id).orElseThrow().state().terminal() && store.unrecorded().isEmpty();
        });

        MicroserviceVersion v = ledger.versions("checkout").get(0);
        assertThat(ledger.rollbacks(ledger.deployments(v.id()).get(0).id())).hasSize(1);
        assertThat(failures.get()).isNegative();
    }

    @Test
    void setsAsideARevertRecordThePostgresLedgerRefusesAndRecordsTheOnesBehindIt() throws Exception {
        JdbcRollbackLedger ledger = postgresLedger("rollback_agent_ledger_refusal");
        // The database refuses this record as data (SQLState 23514) however often it is tried.
        ledger.createSchema();
        TestPostgresServer.execute("ALTER TABLE rollback_agent_ledger_refusal.rollback_record"
                + " ADD CONSTRAINT no_poison CHECK (reason NOT LIKE '%poison%')");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        scheduler = new RevertScheduler(config(false, Duration.ofMillis(1)), store, s -> new Immediate(), ledger, clock,
                meters).start();

        List<String> ids = new ArrayList<>();
        ids.add(scheduler.submit("checkout", Trigger.MANUAL, "poison\u0000\nERROR forged", null, null, null)
                .request().id());
        for (int i = 0; i < 5; i++) {
            awaitEnd(ids.get(ids.size() - 1));
            clock.add(Duration.ofSeconds(1));
            ids.add(scheduler.submit("checkout", Trigger.MANUAL, "normal " + i, null, null, null).request().id());
        }
        awaitEnd(ids.get(ids.size() - 1));

        assertThat(scheduler.deadLetters()).extracting(RevertRequest::id).containsExactly(ids.get(0));
        assertThat(meters.get(AgentMetricNames.LEDGER_REJECTED).counter().count()).isEqualTo(1);
        assertThat(meters.find(AgentMetricNames.LEDGER_FAILURES).counter()).as("nothing waited for a retry").isNull();
        MicroserviceVersion v = ledger.versions("checkout").get(0);
        assertThat(ledger.rollbacks(ledger.deployments(v.id()).get(0).id())).extracting(RollbackRecord::id)
                .containsExactlyInAnyOrderElementsOf(ids.subList(1, ids.size()));
    }

    @Test
    void recordsAReasonWithANulCharacterEscapedInThePostgresLedger() throws Exception {
        JdbcRollbackLedger ledger = postgresLedger("rollback_agent_ledger_escape");
        ledger.createSchema();
        start(config(false, null), new Immediate(), ledger);

        String id = scheduler.submit("checkout", Trigger.ALERT, "bad\u0000alert\nERROR forged", null, null, null)
                .request().id();
        awaitEnd(id);

        MicroserviceVersion v = ledger.versions("checkout").get(0);
        assertThat(ledger.rollbacks(ledger.deployments(v.id()).get(0).id())).singleElement()
                .extracting(RollbackRecord::reason).isEqualTo("bad\\u0000alert\\nERROR forged — done");
    }

    /** A ledger on the real PostgreSQL in a fresh schema of its own. */
    private static JdbcRollbackLedger postgresLedger(String schema) throws Exception {
        TestPostgresServer.assumeReachable();
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(TestPostgresServer.freshSchema(schema));
        pg.setUser(TestPostgresServer.USER);
        pg.setPassword(TestPostgresServer.PASSWORD);
        return new JdbcRollbackLedger(pg);
    }

    /** Fails the first rollback writes, then passes them on. */
    static final class FlakyLedger implements RollbackLedger {
        private final RollbackLedger delegate;
        private final AtomicInteger failures;

        FlakyLedger(RollbackLedger delegate, AtomicInteger failures) {
            this.delegate = delegate;
            this.failures = failures;
        }

        @Override
        public void recordVersion(MicroserviceVersion version) {
            delegate.recordVersion(version);
        }

        @Override
        public void recordDeployment(DeploymentRecord deployment) {
            delegate.recordDeployment(deployment);
        }

        @Override
        public void heartbeat(String deploymentRecordId, Instant time) {
            delegate.heartbeat(deploymentRecordId, time);
        }

        @Override
        public void recordRollback(RollbackRecord rollback) {
            if (failures.getAndDecrement() > 0) {
                throw new LedgerException("database down");
            }
            delegate.recordRollback(rollback);
        }

        @Override
        public void recordOutcome(String rollbackId, RollbackOutcome outcome) {
            delegate.recordOutcome(rollbackId, outcome);
        }

        @Override
        public List<MicroserviceVersion> versions(String serviceName) {
            return delegate.versions(serviceName);
        }

        @Override
        public List<DeploymentRecord> deployments(String microserviceVersionId) {
            return delegate.deployments(microserviceVersionId);
        }

        @Override
        public List<ServiceInstance> runningInstances(String serviceName) {
            return delegate.runningInstances(serviceName);
        }

        @Override
        public List<RollbackRecord> rollbacks(String deploymentRecordId) {
            return delegate.rollbacks(deploymentRecordId);
        }
    }

    @Test
    void refusesAnUnknownServiceAndMergesASecondRequest() {
        start(config(false, null), new Immediate() {
            @Override
            public RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return RevertOutcome.failed("interrupted");
            }
        }, new InMemoryRollbackLedger());

        Submission first = scheduler.submit("checkout", Trigger.MANUAL, "m", null, null, null);
        Submission second = scheduler.submit("checkout", Trigger.HEALTH, "h", null, null, null);

        assertThatThrownBy(() -> scheduler.submit("billing", Trigger.MANUAL, "m", null, null, null))
                .isInstanceOf(UnknownServiceException.class).hasMessageContaining("'billing' is not configured");
        assertThat(second.outcome()).isEqualTo(Submission.Outcome.MERGED);
        assertThat(second.request().id()).isEqualTo(first.request().id());
        assertThat(store.latest(10)).hasSize(1);
    }
}
