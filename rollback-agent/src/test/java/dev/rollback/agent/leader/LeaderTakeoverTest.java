package dev.rollback.agent.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.agent.cli.AgentCommand;
import dev.rollback.testing.TestPostgresServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents, each a process of its own, on one real PostgreSQL store (schema {@value #SCHEMA}):
 * one leads and runs a 20 s revert command; it is killed with {@code kill -9} while the command
 * runs; the other takes over within 15 s, kills nothing twice, and finishes the request once.
 */
class LeaderTakeoverTest {

    private static final String SCHEMA = "rollback_agent_ha";
    private static final String TOKEN = "ha-test-token-0123456789";
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(15);
    private static final Pattern LEADER = Pattern.compile("(?m)^rollback_agent_leader(?:\\{[^}]*})? (\\S+)$");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> agents = new ArrayList<>();

    private String storeUrl;

    @BeforeEach
    void freshSchema() throws Exception {
        TestPostgresServer.assumeReachable();
        storeUrl = TestPostgresServer.freshSchema(SCHEMA);
    }

    @AfterEach
    void stopAgents() {
        agents.forEach(p -> p.toHandle().destroyForcibly());
    }

    @Test
    void anotherAgentTakesOverWithinFifteenSecondsAfterTheLeaderIsKilledAndFinishesTheRevertOnce()
            throws Exception {
        Path log = dir.resolve("commands.log");
        int portA = freePort();
        int portB = freePort();
        Process a = agent("a", portA, log);
        await("agent a leads").atMost(Duration.ofSeconds(60)).until(() -> leader(portA));
        agent("b", portB, log);
        await("agent b is up, following").atMost(Duration.ofSeconds(60)).until(() -> !leader(portB));

        HttpResponse<String> queued = send(portA, "POST", "/requests",
                "{\"service\":\"checkout\",\"reason\":\"HA takeover test\"}");
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(queued.body());
        assertThat(id.find()).isTrue();
        await("the leader's command starts").atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(log) && Files.readString(log).contains("start"));

        a.toHandle().destroyForcibly(); // kill -9, mid-command
        a.waitFor();
        long killed = System.nanoTime();
        await("agent b takes over").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> leader(portB));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        await("the request ends").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> send(portB, "GET", "/requests/" + id.group(1), null).body().contains("SUCCEEDED"));

        List<String> lines = Files.readAllLines(log);
        System.out.printf("HA: leader killed mid-command, takeover after %d ms (bound %s); commands: %s%n",
                takeover.toMillis(), TAKEOVER_BOUND, lines);
        assertThat(takeover).isLessThanOrEqualTo(TAKEOVER_BOUND);
        assertThat(lines).as("the killed leader's command never ends; the new leader's runs once, after it")
                .hasSize(3);
        String first = lines.get(0).split(" ")[0];
        assertThat(lines.get(0)).endsWith("start");
        assertThat(lines.get(1)).endsWith("start").doesNotStartWith(first);
        assertThat(lines.get(2)).isEqualTo(lines.get(1).replace("start", "end"));
        assertThat(count("SELECT count(*) FROM " + SCHEMA + ".rollback_record WHERE id = ?", id.group(1)))
                .as("ledger records of the request").isEqualTo(1);
    }

    private Process agent(String name, int port, Path log) throws IOException {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                server:
                  address: 127.0.0.1
                  port: %d
                  token: %s
                throttle:
                  maxInFlight: 1
                  cooldown: 1s
                store: {url: "%s", username: %s, password: %s}
                ledger: {url: "%s", username: %s, password: %s}
                services:
                  - name: checkout
                    tier: 0
                    command:
                      run: [sh, -c, 'echo "$$ start" >> %s; sleep 20; echo "$$ end" >> %s']
                      timeout: 1m
                """.formatted(port, TOKEN, storeUrl, TestPostgresServer.USER, TestPostgresServer.PASSWORD, storeUrl,
                        TestPostgresServer.USER, TestPostgresServer.PASSWORD, log, log));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AgentCommand.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        agents.add(process);
        return process;
    }

    private boolean leader(int port) {
        try {
            Matcher m = LEADER.matcher(send(port, "GET", "/metrics", null).body());
            return m.find() && Double.parseDouble(m.group(1)) == 1.0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private HttpResponse<String> send(int port, String method, String path, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long count(String sql, String id) throws Exception {
        try (Connection c = TestPostgresServer.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
