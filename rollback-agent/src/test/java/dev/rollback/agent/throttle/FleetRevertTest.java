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
import dev.rollback.agent.request.Submission;
import dev.rollback.agent.request.Trigger;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class FleetRevertTest {

    private static final int SERVICES = 100;
    private static final int MAX_IN_FLIGHT = 4;

    /** Counts reverts in flight and remembers the order in which they started. */
    static final class CountingExecutor implements RevertExecutor {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final List<String> started = Collections.synchronizedList(new ArrayList<>());
        final Map<String, AtomicInteger> reverts = new ConcurrentHashMap<>();

        @Override
        public RevertPlan plan(RevertJob job) {
            return new RevertPlan("2.0.0", "1.9.0", "");
        }

        @Override
        public RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun) {
            int now = inFlight.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            started.add(job.service().name());
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reverts.computeIfAbsent(job.service().name(), s -> new AtomicInteger()).incrementAndGet();
            inFlight.decrementAndGet();
            return RevertOutcome.succeeded("reverted " + job.service().name());
        }
    }

    private static int tierOf(int i) {
        return (i * 7) % 10;
    }

    @Test
    void revertsAHundredServicesAskingAtOnceThrottledByTierAndOncePerService() throws Exception {
        AgentConfig.Builder b = AgentConfig.builder(ServerConfig.withToken("t".repeat(32)))
                .throttle(new ThrottleConfig(MAX_IN_FLIGHT, Duration.ofMinutes(10)))
                .store(new DatabaseConfig("jdbc:h2:mem:fleet-store;DB_CLOSE_DELAY=-1", "", ""));
        for (int i = 0; i < SERVICES; i++) {
            b.service(ServiceConfig.of("svc-" + i, tierOf(i), new ExecutorConfig.Command(List.of("true"), "", false,
                    Duration.ofSeconds(5))));
        }
        AgentConfig config = b.build();
        JdbcDataSource ledgerDb = new JdbcDataSource();
        ledgerDb.setURL("jdbc:h2:mem:fleet-ledger;DB_CLOSE_DELAY=-1");
        JdbcRollbackLedger ledger = new JdbcRollbackLedger(ledgerDb);
        ledger.createSchema();
        CountingExecutor executor = new CountingExecutor();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // Earlier tests in this JVM leave garbage; start from a collected heap so the peak means this run.
        memory.gc();
        long baselineHeap = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peakHeap = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
        ExecutorService callers = Executors.newFixedThreadPool(16);

        List<String> dispatched = Collections.synchronizedList(new ArrayList<>());
        try (JdbcRequestStore jdbc = new JdbcRequestStore(config.store().url(), "", "");
             DelegatingStore store = new DelegatingStore(jdbc) {
                 @Override
                 public boolean start(String id, Instant at) {
                     boolean started = super.start(id, at);
                     if (started) {
                         dispatched.add(delegate.find(id).orElseThrow().service());
                     }
                     return started;
                 }
             };
             RevertScheduler scheduler = new RevertScheduler(config, store, s -> executor, ledger, Clock.SYSTEM,
                     new SimpleMeterRegistry())) {
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            long t0 = System.nanoTime();
            // Every service asks three times at once (health, alert, manual): one revert each.
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Submission>> asks = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                for (Trigger trigger : Trigger.values()) {
                    String service = "svc-" + i;
                    asks.add(callers.submit(() -> {
                        go.await();
                        return scheduler.submit(service, trigger, "regression in " + service, "2.0.0", null,
                                trigger == Trigger.ALERT ? "group\n" + service + "\nstart" : null);
                    }));
                }
            }
            go.countDown();
            int queued = 0;
            for (Future<Submission> f : asks) {
                if (f.get(30, TimeUnit.SECONDS).outcome() == Submission.Outcome.QUEUED) {
                    queued++;
                }
            }
            scheduler.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> store.inState(RequestState.SUCCEEDED).size() == SERVICES
                    && store.unrecorded().isEmpty());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            sampler.interrupt();
            sampler.join();

            assertThat(queued).isEqualTo(SERVICES);
            assertThat(executor.peak.get()).isLessThanOrEqualTo(MAX_IN_FLIGHT).isGreaterThan(1);
            assertThat(executor.reverts).hasSize(SERVICES);
            assertThat(executor.reverts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            // The dispatcher starts them strictly by tier (the workers may then log their starts a little out of order).
            List<Integer> tiers = dispatched.stream()
                    .map(s -> tierOf(Integer.parseInt(s.substring(4)))).toList();
            assertThat(tiers).hasSize(SERVICES).isSorted();
            assertThat(countRollbacks(ledgerDb)).isEqualTo(SERVICES);
            System.out.printf("FLEET: %d services, %d asks, max %d in flight (peak seen %d): all reverted in %d ms;"
                            + " peak heap used %.1f MiB (%.1f MiB after GC before the run, test JVM with JUnit)%n",
                    SERVICES, asks.size(), MAX_IN_FLIGHT, executor.peak.get(), millis,
                    peakHeap.get() / (1024.0 * 1024.0), baselineHeap / (1024.0 * 1024.0));
        } finally {
            callers.shutdownNow();
        }
    }

    private static int countRollbacks(JdbcDataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT id), COUNT(*) FROM rollback_record"
                     + " WHERE actor = 'agent' AND scope = 'INSTANCE' AND outcome = 'SUCCEEDED'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(rs.getInt(2));
            return rs.getInt(2);
        }
    }
}
