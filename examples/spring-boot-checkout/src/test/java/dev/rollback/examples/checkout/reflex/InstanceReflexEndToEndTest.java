package dev.rollback.examples.checkout.reflex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.examples.checkout.CheckoutApplication;
import dev.rollback.testing.RequiredServer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The instance reflex end to end, with real processes on loopback: the example service as release 2
 * (its feature {@code quote-v2} has no old path) and the agent's runnable jar polling the service's
 * {@code /actuator/rollback} every second ({@code consecutive} 2), with a command executor. The new
 * quote starts failing (onset); the judge rolls the feature back and the service reports
 * {@code ROLLBACK_REQUESTED}; the agent asks for a revert and its command stops release 2 and starts
 * release 1 (the same build with {@code checkout.release=1}) on the same port; release 1 answers.
 * A client sends quotes the whole time; every answer is counted. Prints the figures.
 *
 * <p>Needs the agent's jar ({@code rollback.agent.jar}, built by the reactor before this module),
 * {@code sh} and {@code setsid}: skipped without them unless {@code -Drollback.it.required=true}.
 */
class InstanceReflexEndToEndTest {

    /** The bounds the instance reflex must meet with a 1 s watch interval and 2 consecutive polls. */
    static final Duration REVERT_REQUESTED_WITHIN = Duration.ofSeconds(5);
    static final Duration RELEASE_1_SERVING_WITHIN = Duration.ofSeconds(15);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String QUOTE = "/quote?sku=BOOK-1&quantity=2";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private Thread client;

    /** One answer the client got, or why it got none. */
    record Answer(Instant at, String outcome) {
    }

    @BeforeEach
    void tools() {
        Path jar = agentJar();
        RequiredServer.assumeReachable("the agent's runnable jar " + jar.getFileName() + ", sh and setsid",
                "./mvnw -B -pl examples/spring-boot-checkout -am verify (builds the agent first)", () -> {
                    if (!Files.isRegularFile(jar)) {
                        throw new FileNotFoundException(jar.toString());
                    }
                    if (new ProcessBuilder("sh", "-c", "command -v setsid").start().waitFor() != 0) {
                        throw new FileNotFoundException("setsid");
                    }
                });
    }

    @AfterEach
    void stop() throws Exception {
        sending.set(false);
        if (client != null) {
            client.join(5_000);
        }
        Path v1 = dir.resolve("v1.pid");
        if (Files.exists(v1)) {
            ProcessHandle.of(Long.parseLong(Files.readString(v1).strip())).ifPresent(ProcessHandle::destroy);
        }
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static Path agentJar() {
        return Path.of(System.getProperty("rollback.agent.jar", "rollback-agent-all.jar")).toAbsolutePath().normalize();
    }

    @Test
    void aFailingFeatureWithoutOldPathBringsBackTheReleaseBefore() throws Exception {
        int servicePort = freePort();
        int agentPort = freePort();
        String service = "http://127.0.0.1:" + servicePort;
        String agent = "http://127.0.0.1:" + agentPort;

        Process v2 = start("v2", serviceCommand(servicePort, 2));
        Files.writeString(dir.resolve("v2.pid"), Long.toString(v2.pid()));
        Path revert = Files.writeString(dir.resolve("revert.sh"), revertScript(servicePort));
        await("release 2 serving", Duration.ofSeconds(120), () -> release(service) == 2);
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                server: {address: 127.0.0.1, port: %d, insecureLoopback: true}
                watch: {interval: 1s, timeout: 1s, consecutive: 2}
                store: {url: "jdbc:h2:file:%s;DB_CLOSE_ON_EXIT=FALSE"}
                services:
                  - name: checkout
                    command: {run: [sh, "%s"], timeout: 2m}
                    healthUrls: ["%s/actuator/rollback"]
                """.formatted(agentPort, dir.resolve("agent-store"), revert, service));
        start("agent", List.of(java(), "-Xmx64m", "-jar", agentJar().toString(), "run", "--config", config.toString(),
                "--insecure-loopback"));
        await("the agent answering", Duration.ofSeconds(60), () -> status(agent + "/health") == 200);

        List<Answer> answers = new CopyOnWriteArrayList<>();
        client = new Thread(() -> {
            while (sending.get()) {
                answers.add(new Answer(Instant.now(), quote(service)));
                pause(20);
            }
        }, "quote-client");
        client.start();
        pause(2_000);
        assertThat(answers).as("answers before the onset").allMatch(a -> a.outcome().equals("release 2"));

        Instant onset = Instant.now();
        send("PUT", service + "/demo/fault", "{\"kind\":\"errors\",\"errorRate\":1.0,\"addedLatencyMs\":0}");
        JsonNode request = awaitJson("a revert request in the agent", Duration.ofSeconds(30),
                () -> json(agent + "/requests").path("requests").path(0));
        Instant requested = Instant.parse(request.path("requestedAt").asString());
        await("release 1 answering", Duration.ofSeconds(60),
                () -> answers.stream().anyMatch(a -> a.outcome().equals("release 1")));
        Instant v1Serving = answers.stream().filter(a -> a.outcome().equals("release 1")).findFirst().orElseThrow().at();
        pause(1_000);
        sending.set(false);
        client.join(5_000);
        JsonNode done = awaitJson("the revert ended", Duration.ofSeconds(30), () -> {
            JsonNode r = json(agent + "/requests").path("requests").path(0);
            return r.path("state").asString().equals("RUNNING") || r.path("state").asString().equals("QUEUED") ? null : r;
        });

        Map<String, Long> during = count(answers, onset, v1Serving.plusNanos(1));
        Map<String, Long> after = count(answers, v1Serving, Instant.MAX);
        System.out.printf("instance reflex (watch.interval 1s, consecutive 2, command executor, real processes):%n"
                        + "  onset -> revert requested: %d ms (bound %d ms)%n"
                        + "  onset -> release 1 serving: %d ms (bound %d ms)%n"
                        + "  answers from the onset to release 1's first answer: %s%n"
                        + "  answers after: %s%n  request: %s, trigger %s, reason: %s%n"
                        + "  onset %s, requested %s, started %s, finished %s; the revert command's log:%n%s",
                Duration.between(onset, requested).toMillis(), REVERT_REQUESTED_WITHIN.toMillis(),
                Duration.between(onset, v1Serving).toMillis(), RELEASE_1_SERVING_WITHIN.toMillis(), during, after,
                done.path("state").asString(), done.path("trigger").asString(), done.path("reason").asString(),
                onset, requested, done.path("startedAt").asString(), done.path("finishedAt").asString(),
                Files.readString(dir.resolve("revert.log")));

        assertThat(done.path("state").asString()).as("the revert command's outcome: %s", done).isEqualTo("SUCCEEDED");
        assertThat(done.path("trigger").asString()).isEqualTo("health");
        assertThat(done.path("fromVersion").asString()).isEqualTo("2.0.0");
        assertThat(Duration.between(onset, requested)).isLessThanOrEqualTo(REVERT_REQUESTED_WITHIN);
        assertThat(Duration.between(onset, v1Serving)).isLessThanOrEqualTo(RELEASE_1_SERVING_WITHIN);
        assertThat(after.keySet()).as("every answer once release 1 serves").containsOnly("release 1");
        assertThat(during.keySet()).as("what clients saw during the revert: the failing new quote (it has no old"
                + " path), the restart, release 1").isSubsetOf("release 2", "HTTP 500", "no connection", "release 1");
        assertThat(Files.readString(dir.resolve("revert.log"))).contains("release 2 stopped");
    }

    private List<String> serviceCommand(int port, int release) {
        return List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CheckoutApplication.class.getName(), "--server.port=" + port, "--checkout.release=" + release,
                "--rollback.service.version=" + release + ".0.0", "--rollback.service.instance-id=checkout-e2e",
                "--checkout.demo.admin-enabled=true", "--spring.datasource.url=jdbc:h2:mem:checkout-e2e;DB_CLOSE_DELAY=-1");
    }

    /** The agent's revert command: stops release 2, then starts release 1 on the same port, detached. */
    private String revertScript(int port) {
        String v1 = serviceCommand(port, 1).stream().map(a -> "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
        String d = "'" + dir + "'";
        return """
                #!/bin/sh
                # run by the rollback agent's command executor
                set -e
                cd %s
                echo "$(date -u +%%H:%%M:%%S.%%N) stopping release 2" >> revert.log
                pid=$(cat v2.pid)
                kill "$pid" 2>/dev/null || true
                i=0
                while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
                echo "$(date -u +%%H:%%M:%%S.%%N) release 2 stopped" >> revert.log
                setsid %s > v1.log 2>&1 < /dev/null &
                echo $! > v1.pid
                echo "$(date -u +%%H:%%M:%%S.%%N) release 1 started" >> revert.log
                """.formatted(d, v1);
    }

    private Process start(String name, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private String quote(String service) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service + QUOTE))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? "release " + JSON.readTree(r.body()).path("release").asInt()
                    : "HTTP " + r.statusCode();
        } catch (java.net.ConnectException e) {
            return "no connection";
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private int release(String service) {
        String q = quote(service);
        return q.startsWith("release ") ? Integer.parseInt(q.substring(8)) : 0;
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private JsonNode json(String url) {
        try {
            return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createObjectNode();
        }
    }

    private void send(String method, String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type",
                "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s %s: %s", method, url, r.body()).isBetween(200, 299);
    }

    private static Map<String, Long> count(List<Answer> answers, Instant from, Instant until) {
        return answers.stream().filter(a -> !a.at().isBefore(from) && a.at().isBefore(until))
                .collect(Collectors.groupingBy(Answer::outcome, TreeMap::new, Collectors.counting()));
    }

    private void await(String what, Duration atMost, BooleanSupplier condition) {
        awaitJson(what, atMost, () -> condition.getAsBoolean() ? JSON.createObjectNode() : null);
    }

    private JsonNode awaitJson(String what, Duration atMost, java.util.function.Supplier<JsonNode> poll) {
        Instant deadline = Instant.now().plus(atMost);
        while (Instant.now().isBefore(deadline)) {
            if (processes.stream().anyMatch(p -> !p.isAlive() && p.exitValue() != 143)) {
                throw new AssertionError("a process ended while waiting for " + what + "\n" + logs());
            }
            JsonNode found = poll.get();
            if (found != null && !found.isMissingNode()) {
                return found;
            }
            pause(50);
        }
        throw new AssertionError("not within " + atMost + ": " + what + "\n" + logs());
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("v2.log", "agent.log", "revert.log", "v1.log")) {
            Path log = dir.resolve(name);
            try {
                if (Files.exists(log)) {
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    out.append("--- ").append(name).append(" (last 30 lines)\n")
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())))
                            .append('\n');
                }
            } catch (IOException e) {
                out.append("--- ").append(name).append(": ").append(e).append('\n');
            }
        }
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
