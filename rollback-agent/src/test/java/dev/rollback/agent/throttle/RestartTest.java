package dev.rollback.agent.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.DatabaseConfig;
import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.ServerConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.config.ThrottleConfig;
import dev.rollback.agent.execute.RevertExecutor;
import dev.rollback.agent.execute.RevertJob;
import dev.rollback.agent.execute.RevertOutcome;
import dev.rollback.agent.request.JdbcRequestStore;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.StoreException;
import dev.rollback.agent.request.Trigger;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {

    @TempDir
    Path dir;

    /** A store that, once killed, refuses every call: the process is gone, nothing more is written. */
    static final class KillableStore extends DelegatingStore {
        volatile boolean killed;

        KillableStore(JdbcRequestStore delegate) {
            super(delegate);
        }

        @Override
        protected void before(String call) {
            if (killed) {
                throw new StoreException("killed: " + call, null);
            }
        }
    }

    /** First life: plans, then hangs in every revert until the agent dies. */
    static final class HangingExecutor implements RevertExecutor {
        final CountDownLatch running;

        HangingExecutor(int expectedRunning) {
            running = new CountDownLatch(expectedRunning);
        }

        @Override
        public RevertPlan plan(RevertJob job) {
            return new RevertPlan("2.0.0", "1.9.0", "rs-" + job.service().name());
        }

        @Override
        public RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun) {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RevertOutcome.failed("interrupted");
        }
    }

    /** Second life: finishes every revert, remembering how and with which plan. */
    static final class FinishingExecutor implements RevertExecutor {
        final Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
        final Map<String, Boolean> resumed = new ConcurrentHashMap<>();
        final AtomicInteger planned = new AtomicInteger();

        @Override
        public RevertPlan plan(RevertJob job) {
            planned.incrementAndGet();
            return new RevertPlan("2.0.0", "1.9.0", "rs-" + job.service().name());
        }

        @Override
        public RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun) {
            assertThat(plan.target()).isEqualTo("rs-" + job.service().name());
            done.computeIfAbsent(job.request().id(), id -> new AtomicInteger()).incrementAndGet();
            resumed.put(job.service().name(), job.resumed());
            return RevertOutcome.succeeded("reverted");
        }
    }

    @Test
    void finishesEveryRequestExactlyOnceAfterTheAgentIsKilledWithRequestsQueuedAndInFlight() throws Exception {
        String storeUrl = "jdbc:h2:file:" + dir.resolve("store") + ";DB_CLOSE_ON_EXIT=FALSE";
        AgentConfig.Builder b = AgentConfig.builder(ServerConfig.withToken("t".repeat(32)))
                .throttle(new ThrottleConfig(2, Duration.ZERO))
                .store(new DatabaseConfig(storeUrl, "", ""));
        for (int i = 0; i < 6; i++) {
            b.service(ServiceConfig.of("svc-" + i, 5, new ExecutorConfig.Command(List.of("true"), "", false,
                    Duration.ofSeconds(5))));
        }
        AgentConfig config = b.build();
        JdbcDataSource ledgerDb = new JdbcDataSource();
        ledgerDb.setURL("jdbc:h2:file:" + dir.resolve("ledger") + ";DB_CLOSE_ON_EXIT=FALSE");
        JdbcRollbackLedger ledger = new JdbcRollbackLedger(ledgerDb);
        ledger.createSchema();

        // First life: 6 requests, 2 get in flight and hang, 4 stay queued; then the agent is killed.
        List<String> ids = new ArrayList<>();
        HangingExecutor hanging = new HangingExecutor(2);
        KillableStore first = new KillableStore(new JdbcRequestStore(storeUrl, "", ""));
        RevertScheduler firstLife = new RevertScheduler(config, first, s -> hanging, ledger, Clock.SYSTEM,
                new SimpleMeterRegistry());
        for (int i = 0; i < 6; i++) {
            ids.add(firstLife.submit("svc-" + i, Trigger.MANUAL, "bad release", "2.0.0", null, null).request().id());
        }
        firstLife.start();
        assertThat(hanging.running.await(30, TimeUnit.SECONDS)).isTrue();
        first.killed = true;
        firstLife.close();
        first.delegate.close();

        try (JdbcRequestStore store = new JdbcRequestStore(storeUrl, "", "")) {
            List<RevertRequest> running = store.inState(RequestState.RUNNING);
            assertThat(running).hasSize(2).allSatisfy(r -> assertThat(r.plan()).isNotNull());
            assertThat(store.inState(RequestState.QUEUED)).hasSize(4);
            assertThat(countRollbacks(ledgerDb)).isZero();

            // Second life on the same store and ledger.
            FinishingExecutor finishing = new FinishingExecutor();
            try (RevertScheduler secondLife = new RevertScheduler(config, store, s -> finishing, ledger, Clock.SYSTEM,
                    new SimpleMeterRegistry()).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> secondLife.inFlight() == 0
                        && store.inState(RequestState.SUCCEEDED).size() == 6 && store.unrecorded().isEmpty());
            }

            assertThat(finishing.done).containsOnlyKeys(ids);
            assertThat(finishing.done.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(finishing.planned.get()).as("the two in flight keep their plan").isEqualTo(4);
            for (RevertRequest r : running) {
                assertThat(finishing.resumed.get(r.service())).isTrue();
            }
            assertThat(countRollbacks(ledgerDb)).isEqualTo(6);
        }
    }

    @Test
    void recordsAfterTheRestartWhatEndedWhileTheLedgerWasDownAndRunsNothingAgain() throws Exception {
        String storeUrl = "jdbc:h2:file:" + dir.resolve("store2") + ";DB_CLOSE_ON_EXIT=FALSE";
        AgentConfig config = AgentConfig.builder(ServerConfig.withToken("t".repeat(32)))
                .throttle(new ThrottleConfig(2, Duration.ZERO))
                .store(new DatabaseConfig(storeUrl, "", ""))
                .service(ServiceConfig.of("svc-a", 5, new ExecutorConfig.Command(List.of("true"), "", false,
                        Duration.ofSeconds(5))))
                .service(ServiceConfig.of("svc-b", 5, new ExecutorConfig.Command(List.of("true"), "", false,
                        Duration.ofSeconds(5))))
                .build();
        JdbcDataSource ledgerDb = new JdbcDataSource();
        ledgerDb.setURL("jdbc:h2:file:" + dir.resolve("ledger2") + ";DB_CLOSE_ON_EXIT=FALSE");
        JdbcRollbackLedger ledger = new JdbcRollbackLedger(ledgerDb);
        ledger.createSchema();
        JdbcDataSource downDb = new JdbcDataSource();
        downDb.setURL("jdbc:h2:file:" + dir.resolve("no-ledger-tables") + ";DB_CLOSE_ON_EXIT=FALSE");
        JdbcRollbackLedger down = new JdbcRollbackLedger(downDb);

        FinishingExecutor first = new FinishingExecutor();
        try (JdbcRequestStore store = new JdbcRequestStore(storeUrl, "", "");
             RevertScheduler firstLife = new RevertScheduler(config, store, s -> first, down, Clock.SYSTEM,
                     new SimpleMeterRegistry())) {
            firstLife.submit("svc-a", Trigger.ALERT, "a", null, null, null);
            firstLife.submit("svc-b", Trigger.HEALTH, "b", null, null, null);
            firstLife.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> store.inState(RequestState.SUCCEEDED).size() == 2);
            assertThat(store.unrecorded()).hasSize(2);
        }

        FinishingExecutor second = new FinishingExecutor();
        try (JdbcRequestStore store = new JdbcRequestStore(storeUrl, "", "");
             RevertScheduler secondLife = new RevertScheduler(config, store, s -> second, ledger, Clock.SYSTEM,
                     new SimpleMeterRegistry()).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> secondLife.inFlight() == 0
                    && store.unrecorded().isEmpty());
        }

        assertThat(first.done).hasSize(2);
        assertThat(second.done).isEmpty();
        assertThat(countRollbacks(ledgerDb)).isEqualTo(2);
    }

    private static int countRollbacks(JdbcDataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT id) FROM rollback_record")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(rs.getInt(2));
            return rs.getInt(1);
        }
    }
}
