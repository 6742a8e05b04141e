package dev.rollback.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.HealthCredential;
import dev.rollback.agent.config.Quorum;
import dev.rollback.agent.config.ServerConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.config.WatchConfig;
import dev.rollback.agent.metrics.AgentMetricNames;
import dev.rollback.agent.request.JdbcRequestStore;
import dev.rollback.agent.request.Submission;
import dev.rollback.agent.throttle.RevertScheduler;
import dev.rollback.core.health.HealthReport;
import dev.rollback.core.health.HealthStatus;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.testing.HealthContract;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent's fetcher, parser and watcher on what the Spring Boot starter really serves (the
 * recorded {@link HealthContract}), behind HTTP basic as in the starter's security example: each
 * status is read as such, with 200 and with 503, and only with the credential.
 */
class HealthContractTest {

    private static final HealthCredential AGENT = HealthCredential.basic("rollback-agent", "agent-password");

    private final JdbcRequestStore store = new JdbcRequestStore(
            "jdbc:h2:mem:contract-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", "");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private HttpServer instance;
    private RevertScheduler scheduler;

    @AfterEach
    void close() {
        if (instance != null) {
            instance.stop(0);
        }
        if (scheduler != null) {
            scheduler.close();
        }
        store.close();
    }

    @ParameterizedTest
    @EnumSource(HealthContract.class)
    void parsesWhatTheStarterServes(HealthContract contract) {
        HealthReport report = new HealthReportParser().parse(contract.body());

        assertThat(report.status()).isEqualTo(HealthStatus.valueOf(contract.name()));
        assertThat(report.service()).isEqualTo(HealthContract.SERVICE);
        assertThat(report.version()).isEqualTo(HealthContract.VERSION);
        assertThat(report.instance()).isEqualTo(HealthContract.INSTANCE);
        assertThat(report.reason()).startsWith(contract == HealthContract.UP ? ""
                : contract == HealthContract.DEGRADED ? HealthContract.WITH_OLD_PATH : HealthContract.WITHOUT_OLD_PATH);
    }

    @ParameterizedTest
    @EnumSource(HealthContract.class)
    void readsTheStarterAnswerWithItsHttpStatusAndAsksOnlyForRollbackRequested(HealthContract contract)
            throws Exception {
        URI url = serve(contract);

        List<Submission> asked = watcher(url, AGENT).pollOnce();

        assertThat(polls(contract.name().toLowerCase(Locale.ROOT))).isEqualTo(1);
        assertThat(asked).hasSize(contract == HealthContract.ROLLBACK_REQUESTED ? 1 : 0);
        asked.forEach(s -> assertThat(s.request().fromVersion()).isEqualTo(HealthContract.VERSION));
        asked.forEach(s -> assertThat(s.request().reason()).contains(HealthContract.WITHOUT_OLD_PATH
                + ": receipts are wrong"));
    }

    @ParameterizedTest
    @EnumSource(HealthContract.class)
    void withoutTheCredentialTheInstanceIsUnreachable(HealthContract contract) throws Exception {
        URI url = serve(contract);

        assertThat(watcher(url, null).pollOnce()).isEmpty();
        assertThat(polls("unreachable")).isEqualTo(1);
    }

    /** Serves the recorded answer as the starter does, behind HTTP basic. */
    private URI serve(HealthContract contract) throws Exception {
        byte[] body = contract.body().getBytes(StandardCharsets.UTF_8);
        byte[] denied = "{\"error\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
        instance = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        instance.createContext("/actuator/rollback", ex -> {
            boolean allowed = AGENT.authorization().equals(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] answer = allowed ? body : denied;
            ex.getResponseHeaders().set("Content-Type", "application/vnd.spring-boot.actuator.v3+json");
            ex.sendResponseHeaders(allowed ? contract.httpStatus() : 401, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        });
        instance.start();
        return URI.create("http://127.0.0.1:" + instance.getAddress().getPort() + "/actuator/rollback");
    }

    private HealthWatcher watcher(URI url, HealthCredential credential) {
        WatchConfig watch = new WatchConfig(Duration.ofSeconds(1), Duration.ofSeconds(5), 1, credential);
        AgentConfig config = AgentConfig.builder(ServerConfig.withToken("t".repeat(32))).watch(watch)
                .service(new ServiceConfig(HealthContract.SERVICE, 0, null, new ExecutorConfig.Command(
                        List.of("true"), "", false, Duration.ofSeconds(1)), List.of(url), null, Quorum.DEFAULT, 0))
                .build();
        scheduler = new RevertScheduler(config, store, s -> null, new InMemoryRollbackLedger(), new MockClock(),
                new SimpleMeterRegistry());
        return new HealthWatcher(config, HealthWatcher.fixed(Map.of(HealthContract.SERVICE, List.of(url))),
                HealthFetcher.http(watch.timeout(), watch.credential()), scheduler, meters);
    }

    private double polls(String result) {
        return meters.counter(AgentMetricNames.HEALTH_POLLS, "result", result).count();
    }
}
