package dev.rollback.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.rollback.agent.Agent;
import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.DatabaseConfig;
import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.Quorum;
import dev.rollback.agent.config.ServerConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.config.WatchConfig;
import dev.rollback.agent.execute.RevertExecutor;
import dev.rollback.agent.execute.RevertJob;
import dev.rollback.agent.execute.RevertOutcome;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Trigger;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.health.FeatureHealth;
import dev.rollback.core.health.HealthReport;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The running agent polls real HTTP health endpoints on 127.0.0.1 and reverts the service that asks. */
class HealthWatchingAgentTest {

    private static HttpServer instance(String name, boolean asks) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        Instant t = Instant.parse("2026-11-26T10:15:30Z");
        byte[] body = HealthReport.of("checkout", "2.0.0", name, t, List.of(new FeatureHealth("schema-v7",
                GuardState.ROLLED_BACK, "migration 7 failed", t, !asks))).toJson().getBytes(StandardCharsets.UTF_8);
        server.createContext("/actuator/rollback", ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(asks ? 503 : 200, body.length); // as the starter answers
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static URI url(HttpServer s) {
        return URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/actuator/rollback");
    }

    @Test
    void revertsTheServiceWhenEnoughInstancesAskOverHttp() throws Exception {
        HttpServer a = instance("checkout-a", true);
        HttpServer b = instance("checkout-b", true);
        HttpServer c = instance("checkout-c", false);
        RevertExecutor executor = new RevertExecutor() {
            @Override
            public RevertPlan plan(RevertJob job) {
                return new RevertPlan(job.request().fromVersion(), "1.9.0", "");
            }

            @Override
            public RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun) {
                return RevertOutcome.succeeded("reverted");
            }
        };
        AgentConfig config = AgentConfig.builder(new ServerConfig("127.0.0.1", 0, "t".repeat(32), false,
                        ServerConfig.DEFAULT_MAX_BODY_BYTES))
                .store(new DatabaseConfig("jdbc:h2:mem:watching-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", ""))
                .watch(new WatchConfig(Duration.ofMillis(50), Duration.ofSeconds(2), 2))
                .service(new ServiceConfig("checkout", 0, null, new ExecutorConfig.Command(List.of("true"), "", false,
                        Duration.ofSeconds(5)), List.of(url(a), url(b), url(c)), null, Quorum.parse("q", "60%"), 0))
                .build();
        try (Agent agent = Agent.builder(config).ledger(new InMemoryRollbackLedger()).executors(s -> executor).start()) {

            await().atMost(Duration.ofSeconds(20)).until(() -> agent.store().latest(10).stream()
                    .anyMatch(r -> r.state() == RequestState.SUCCEEDED));

            RevertRequest r = agent.store().latest(10).get(0);
            assertThat(agent.store().latest(10)).hasSize(1);
            assertThat(r.trigger()).isEqualTo(Trigger.HEALTH);
            assertThat(r.fromVersion()).isEqualTo("2.0.0");
            assertThat(r.reason()).startsWith("2 of 3 instances of checkout reported ROLLBACK_REQUESTED")
                    .contains("checkout-a: schema-v7: migration 7 failed");
        } finally {
            a.stop(0);
            b.stop(0);
            c.stop(0);
        }
    }
}
