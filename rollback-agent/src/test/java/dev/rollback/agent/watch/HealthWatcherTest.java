package dev.rollback.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.Quorum;
import dev.rollback.agent.config.ServerConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.config.WatchConfig;
import dev.rollback.agent.request.JdbcRequestStore;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Submission;
import dev.rollback.agent.request.Trigger;
import dev.rollback.agent.throttle.RevertScheduler;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.health.FeatureHealth;
import dev.rollback.core.health.HealthReport;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthWatcherTest {

    private static final URI A = URI.create("http://10.0.0.1:8080/actuator/rollback");
    private static final URI B = URI.create("http://10.0.0.2:8080/actuator/rollback");
    private static final URI C = URI.create("http://10.0.0.3:8080/actuator/rollback");

    private final JdbcRequestStore store = new JdbcRequestStore(
            "jdbc:h2:mem:watch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", "");
    private final Map<URI, String> answers = new ConcurrentHashMap<>();
    private final Map<URI, Integer> statuses = new ConcurrentHashMap<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private RevertScheduler scheduler;
    private HealthWatcher watcher;

    @AfterEach
    void close() {
        if (scheduler != null) {
            scheduler.close();
        }
        store.close();
    }

    private void watch(Quorum quorum, int consecutive) {
        AgentConfig config = AgentConfig.builder(ServerConfig.withToken("t".repeat(32)))
                .watch(new WatchConfig(Duration.ofSeconds(10), Duration.ofSeconds(1), consecutive))
                .service(new ServiceConfig("checkout", 0, null, new ExecutorConfig.Command(List.of("true"), "", false,
                        Duration.ofSeconds(1)), List.of(A, B, C), null, quorum, 0))
                .build();
        // Not started: requests stay queued, which is what the watcher's decisions are judged by.
        scheduler = new RevertScheduler(config, store, s -> null, new InMemoryRollbackLedger(), new MockClock(),
                new SimpleMeterRegistry());
        watcher = new HealthWatcher(config, HealthWatcher.fixed(Map.of("checkout", List.of(A, B, C))), url -> {
            String body = answers.get(url);
            if (body == null) {
                throw new IOException("connection refused");
            }
            return new HealthFetcher.Answer(statuses.getOrDefault(url, 200), body);
        }, scheduler, meters);
    }

    private static String report(String instance, boolean oldPath) {
        Instant t = Instant.parse("2026-11-26T10:15:30Z");
        return HealthReport.of("checkout", "2.0.0", instance, t, List.of(
                new FeatureHealth("checkout-v2", GuardState.ROLLED_BACK, "error rate 12% vs 1%", t, oldPath))).toJson();
    }

    private void answer(URI url, boolean asks) {
        answers.put(url, report(url.getHost(), !asks));
    }

    @Test
    void asksOnceAQuorumHasAskedForEnoughPollsInARow() {
        watch(Quorum.parse("quorum", "2"), 2);
        answer(A, true);
        answer(B, true);
        answer(C, false);

        List<Submission> first = watcher.pollOnce();
        List<Submission> second = watcher.pollOnce();

        assertThat(first).isEmpty();
        assertThat(second).singleElement().satisfies(s -> {
            RevertRequest r = s.request();
            assertThat(r.trigger()).isEqualTo(Trigger.HEALTH);
            assertThat(r.fromVersion()).isEqualTo("2.0.0");
            assertThat(r.reason()).contains("2 of 3 instances of checkout").contains("2 polls in a row")
                    .contains("checkout-v2: error rate 12% vs 1%");
        });
        assertThat(watcher.pollOnce()).as("not again while the revert is queued").isEmpty();
        assertThat(store.latest(10)).hasSize(1);
    }

    @Test
    void oneInstanceIsNotAQuorumOfFiftyPercent() {
        watch(Quorum.parse("quorum", "50%"), 1);
        answer(A, true);
        answer(B, false);
        answer(C, false);

        assertThat(watcher.pollOnce()).isEmpty();
        answer(B, true);
        assertThat(watcher.pollOnce()).hasSize(1);
    }

    @Test
    void anAnswerInBetweenResetsAnInstanceStreak() {
        watch(Quorum.DEFAULT, 3);
        answer(A, true);
        watcher.pollOnce();
        watcher.pollOnce();
        answer(A, false);
        watcher.pollOnce();
        answer(A, true);
        watcher.pollOnce();
        watcher.pollOnce();

        assertThat(store.latest(10)).isEmpty();
        assertThat(watcher.pollOnce()).hasSize(1);
    }

    @Test
    void unreachableInstancesAndGarbageNeverAsk() {
        watch(Quorum.DEFAULT, 1);
        answers.put(B, "{\"format\":1,\"status\":\"ROLLBACK_REQUESTED\"");
        answers.put(C, report("other", true).replace("\"service\":\"checkout\"", "\"service\":\"payments\""));

        assertThat(watcher.pollOnce()).isEmpty();
        assertThat(store.latest(10)).isEmpty();
    }

    @Test
    void aReportAnswered503IsAReportAndAnAnswerOtherThan200WithoutOneIsUnreachable() {
        watch(Quorum.parse("quorum", "1"), 1);
        answer(A, true);
        statuses.put(A, 503);
        answers.put(B, "{\"status\":\"ROLLBACK_REQUESTED\",\"components\":{}}");
        statuses.put(B, 503);
        answers.put(C, "{\"status\":\"UP\"}");

        assertThat(watcher.pollOnce()).singleElement()
                .satisfies(s -> assertThat(s.request().reason()).contains("1 of 3 instances"));
        assertThat(polls("rollback_requested")).isEqualTo(1);
        assertThat(polls("unreachable")).as("503 without a report").isEqualTo(1);
        assertThat(polls("invalid")).as("200 without a report").isEqualTo(1);
    }

    private double polls(String result) {
        return meters.counter(dev.rollback.agent.metrics.AgentMetricNames.HEALTH_POLLS, "result", result).count();
    }

    @Test
    void readsTheCoreHealthReportFormat() {
        HealthReport parsed = new HealthReportParser().parse(report("pod-1", false));

        assertThat(parsed.service()).isEqualTo("checkout");
        assertThat(parsed.instance()).isEqualTo("pod-1");
        assertThat(parsed.status()).isEqualTo(dev.rollback.core.health.HealthStatus.ROLLBACK_REQUESTED);
        assertThat(parsed.reason()).isEqualTo("checkout-v2: error rate 12% vs 1%");
    }
}
