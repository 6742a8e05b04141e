package dev.rollback.examples.checkout.reflex;

import dev.rollback.examples.checkout.CheckoutApplication;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The instance reflex as real processes on loopback, in a directory of their own: the example
 * service as release 2, the agent's runnable jar with a command executor whose command stops release
 * 2 and starts release 1 on the same port, and a client that sends quotes the whole time and keeps
 * every answer. The demo's {@code --scenario=instance} and the reflex end-to-end tests run it.
 * {@link #close()} stops every process it started, release 1 included, and deletes the directory.
 */
public final class ReflexRig implements AutoCloseable {

    /** Where the reactor left the agent's runnable jar (the module's pom sets {@code rollback.agent.jar}). */
    public static final Path AGENT_JAR = Path.of(System.getProperty("rollback.agent.jar", "rollback-agent-all.jar"))
            .toAbsolutePath().normalize();

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String QUOTE = "/quote?sku=BOOK-1&quantity=2";

    /** The milestone passed to {@link #breakAndAwaitRelease1}'s listener when the new quote starts failing. */
    public static final String ONSET = "onset";
    /** The milestone when the agent queued the revert. */
    public static final String REVERT_REQUESTED = "revert requested";
    /** The milestone when the client got release 1's first answer. */
    public static final String RELEASE_1_SERVING = "release 1 serving";

    /**
     * One answer the client got, or why it got none.
     *
     * @param at      when the client sent the request
     * @param outcome {@code release 1}, {@code release 2}, {@code HTTP <status>}, {@code no connection},
     *                or the exception's simple name
     */
    public record Answer(Instant at, String outcome) {
    }

    /**
     * What one revert looked like.
     *
     * @param onset    when the new quote started failing
     * @param requested when the agent queued the revert (its {@code requestedAt})
     * @param release1 when the client got release 1's first answer
     * @param request  the agent's request once it ended
     * @param during   the client's answers from the onset to release 1's first, by outcome
     * @param after    the client's answers after that, by outcome
     */
    public record Revert(Instant onset, Instant requested, Instant release1, JsonNode request,
                         Map<String, Long> during, Map<String, Long> after) {

        /** @return the time from the onset to the agent's request */
        public Duration toRequested() {
            return Duration.between(onset, requested);
        }

        /** @return the time from the onset to release 1's first answer */
        public Duration toRelease1() {
            return Duration.between(onset, release1);
        }
    }

    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();
    private final List<String> logs = new ArrayList<>();
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final int servicePort;
    private final int agentPort;
    private Thread client;

    /**
     * Takes a new directory and two free ports; starts nothing.
     *
     * @throws IOException if the directory cannot be created or no port is free
     */
    public ReflexRig() throws IOException {
        dir = Files.createTempDirectory("rollback-reflex-");
        servicePort = freePort();
        agentPort = freePort();
    }

    /**
     * Fails unless what the rig needs besides Java is there: the agent's runnable jar and
     * {@code setsid}.
     *
     * @throws Exception naming what is missing
     */
    public static void requirePrograms() throws Exception {
        if (!Files.isRegularFile(AGENT_JAR)) {
            throw new FileNotFoundException(AGENT_JAR.toString());
        }
        requireCommand("setsid");
    }

    /**
     * Fails unless a program is on the PATH.
     *
     * @param program its name
     * @throws Exception naming it if it is not there
     */
    public static void requireCommand(String program) throws Exception {
        if (new ProcessBuilder("sh", "-c", "command -v " + program).start().waitFor() != 0) {
            throw new FileNotFoundException(program + " is not on the PATH");
        }
    }

    /** @return the service's base URL, {@code http://127.0.0.1:PORT} */
    public String service() {
        return "http://127.0.0.1:" + servicePort;
    }

    /** @return the service's port on 127.0.0.1 */
    public int servicePort() {
        return servicePort;
    }

    /** @return the agent's base URL */
    public String agent() {
        return "http://127.0.0.1:" + agentPort;
    }

    /**
     * Writes a file into the rig's directory.
     *
     * @param name the file's name
     * @param text its content
     * @return the file
     * @throws IOException if it cannot be written
     */
    public Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /**
     * Starts release 2 and waits until it answers quotes.
     *
     * @throws IOException if it cannot be started
     */
    public void startRelease2() throws IOException {
        Process v2 = start("v2", serviceCommand(2));
        Files.writeString(dir.resolve("v2.pid"), Long.toString(v2.pid()));
        await("release 2 serving", Duration.ofSeconds(120), () -> "release 2".equals(quote()));
    }

    /**
     * Starts the agent with the command executor for service {@code checkout}, and waits until it
     * answers.
     *
     * @param watch    the agent's {@code watch} section, e.g. {@code {interval: 1s, consecutive: 2}}
     * @param service  extra keys of the service, e.g. its {@code healthUrls}; may be empty
     * @throws IOException if it cannot be started
     */
    public void startAgent(String watch, String service) throws IOException {
        Path revert = Files.writeString(dir.resolve("revert.sh"), revertScript());
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                server: {address: 127.0.0.1, port: %d, insecureLoopback: true}
                watch: %s
                store: {url: "jdbc:h2:file:%s;DB_CLOSE_ON_EXIT=FALSE"}
                services:
                  - name: checkout
                    command: {run: [sh, "%s"], timeout: 2m}
                %s
                """.formatted(agentPort, watch, dir.resolve("agent-store"), revert, service.indent(4).stripTrailing()));
        start("agent", List.of(java(), "-Xmx64m", "-jar", AGENT_JAR.toString(), "run", "--config", config.toString(),
                "--insecure-loopback"));
        await("the agent answering", Duration.ofSeconds(60), () -> status(agent() + "/health") == 200);
    }

    /**
     * Starts a process in the rig's directory whose output goes to {@code NAME.log}; {@link #close()}
     * stops it.
     *
     * @param name    the log's name
     * @param command the program and its arguments
     * @return the process
     * @throws IOException if it cannot be started
     */
    public Process start(String name, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        processes.add(p);
        logs.add(name + ".log");
        return p;
    }

    /** Sends quotes, one about every 20 ms, until {@link #stopClient()}. */
    private void startClient() {
        sending.set(true);
        client = new Thread(() -> {
            while (sending.get()) {
                answers.add(new Answer(Instant.now(), quote()));
                pause(20);
            }
        }, "quote-client");
        client.start();
    }

    private void stopClient() throws InterruptedException {
        sending.set(false);
        if (client != null) {
            client.join(5_000);
        }
    }

    /** @return every answer the client got so far, in order */
    public List<Answer> answers() {
        return List.copyOf(answers);
    }

    /**
     * With release 2 and the agent running: sends quotes for 2 s, makes the new quote fail, and
     * waits until the agent asked for a revert, release 1 answered and the revert ended.
     *
     * @param requestWithin how long to wait for the agent's request at most
     * @param milestones    told of {@link #ONSET}, {@link #REVERT_REQUESTED} and {@link #RELEASE_1_SERVING}
     *                      with their times as they are seen
     * @return what happened
     * @throws IOException          if the fault cannot be injected
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if release 2 failed before the onset, or a step did not happen in
     *                               time (with the processes' logs)
     */
    public Revert breakAndAwaitRelease1(Duration requestWithin, BiConsumer<String, Instant> milestones)
            throws IOException, InterruptedException {
        startClient();
        pause(2_000);
        answers().stream().filter(a -> !a.outcome().equals("release 2")).findFirst().ifPresent(a -> {
            throw new IllegalStateException("release 2 answered " + a.outcome() + " before the onset\n" + logs());
        });
        Instant onset = breakTheNewQuote();
        milestones.accept(ONSET, onset);
        Instant requested = Instant.parse(awaitRequest(requestWithin).path("requestedAt").asString());
        milestones.accept(REVERT_REQUESTED, requested);
        Instant release1 = awaitRelease1();
        milestones.accept(RELEASE_1_SERVING, release1);
        pause(1_000);
        stopClient();
        JsonNode done = awaitRequestEnded();
        return new Revert(onset, requested, release1, done, count(onset, release1.plusNanos(1)),
                count(release1.plusNanos(1), Instant.MAX));
    }

    /** Makes release 2's new quote fail on every call, through the demo's fault injection. */
    private Instant breakTheNewQuote() throws IOException, InterruptedException {
        Instant onset = Instant.now();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service() + "/demo/fault"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"kind\":\"errors\",\"errorRate\":1.0,\"addedLatencyMs\":0}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("the demo's fault injection answered " + r.statusCode() + ": " + r.body());
        }
        return onset;
    }

    /** Waits for the agent's first revert request. */
    private JsonNode awaitRequest(Duration atMost) {
        return awaitJson("a revert request in the agent", atMost, () -> json(agent() + "/requests").path("requests").path(0));
    }

    /** Waits until the agent's first revert request has ended. */
    private JsonNode awaitRequestEnded() {
        return awaitJson("the revert ended", Duration.ofSeconds(60), () -> {
            JsonNode r = json(agent() + "/requests").path("requests").path(0);
            String state = r.path("state").asString();
            return state.equals("QUEUED") || state.equals("RUNNING") ? null : r;
        });
    }

    /** Waits until the client got an answer from release 1, and returns when. */
    private Instant awaitRelease1() {
        await("release 1 answering", Duration.ofSeconds(90),
                () -> answers.stream().anyMatch(a -> a.outcome().equals("release 1")));
        return answers.stream().filter(a -> a.outcome().equals("release 1")).findFirst().orElseThrow().at();
    }

    /** Counts the client's answers in {@code [from, until)} by outcome. */
    private Map<String, Long> count(Instant from, Instant until) {
        return answers.stream().filter(a -> !a.at().isBefore(from) && a.at().isBefore(until))
                .collect(Collectors.groupingBy(Answer::outcome, TreeMap::new, Collectors.counting()));
    }

    /**
     * Returns what the revert command wrote: a line {@code HH:MM:SS.NNNNNNNNN what} (UTC) per step.
     *
     * @return the log
     * @throws IOException if the command did not run
     */
    public String revertLog() throws IOException {
        return Files.readString(dir.resolve("revert.log"));
    }

    private List<String> serviceCommand(int release) {
        return List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath(),
                CheckoutApplication.class.getName(), "--server.port=" + servicePort, "--checkout.release=" + release,
                "--rollback.service.version=" + release + ".0.0", "--rollback.service.instance-id=checkout-e2e",
                "--checkout.demo.admin-enabled=true", "--spring.datasource.url=jdbc:h2:mem:checkout-e2e;DB_CLOSE_DELAY=-1");
    }

    /** The agent's revert command: stops release 2, then starts release 1 on the same port, detached. */
    private String revertScript() {
        String v1 = serviceCommand(1).stream().map(ReflexRig::quoted).collect(Collectors.joining(" "));
        logs.add("v1.log");
        logs.add("revert.log");
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
                """.formatted(quoted(dir.toString()), v1);
    }

    /**
     * The classpath of this module's classes and dependencies. Under {@code exec:java} (the demo)
     * {@code java.class.path} is Maven's own, and the project's classpath is its class loader's.
     */
    private static String classpath() {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader
                && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    throw new IllegalStateException("not a file on the classpath: " + url, e);
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    private static String quoted(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private String quote() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service() + QUOTE))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? "release " + JSON.readTree(r.body()).path("release").asInt()
                    : "HTTP " + r.statusCode();
        } catch (ConnectException e) {
            return "no connection";
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Returns a GET's HTTP status.
     *
     * @param url where
     * @return the status, or 0 if there was no answer within 2 s
     */
    public int status(String url) {
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

    /**
     * Returns a GET's JSON body.
     *
     * @param url where
     * @return the body, or an empty object if there was none or it was not JSON
     */
    public JsonNode json(String url) {
        try {
            return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createObjectNode();
        }
    }

    /**
     * Polls every 50 ms until a condition holds.
     *
     * @param what      what is awaited, for the failure's message
     * @param atMost    how long at most
     * @param condition the condition
     * @throws IllegalStateException if it does not hold in time or a process ended, with the logs
     */
    public void await(String what, Duration atMost, BooleanSupplier condition) {
        awaitJson(what, atMost, () -> condition.getAsBoolean() ? JSON.createObjectNode() : null);
    }

    /** Polls every 50 ms until the answer is neither null nor missing; fails early if a process died. */
    private JsonNode awaitJson(String what, Duration atMost, Supplier<JsonNode> poll) {
        Instant deadline = Instant.now().plus(atMost);
        while (Instant.now().isBefore(deadline)) {
            if (processes.stream().anyMatch(p -> !p.isAlive() && p.exitValue() != 143)) {
                throw new IllegalStateException("a process ended while waiting for " + what + "\n" + logs());
            }
            JsonNode found = poll.get();
            if (found != null && !found.isMissingNode()) {
                return found;
            }
            pause(50);
        }
        throw new IllegalStateException("not within " + atMost + ": " + what + "\n" + logs());
    }

    /** @return the end of every process's log, for a failure's message */
    public String logs() {
        StringBuilder out = new StringBuilder();
        for (String name : logs) {
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

    /**
     * Returns a port on 127.0.0.1 that nothing listens on now.
     *
     * @return the port
     * @throws IOException if none is free
     */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops every process the rig started, release 1 included, and deletes its directory.
     *
     * @throws IOException if the directory cannot be deleted
     */
    @Override
    public void close() throws IOException {
        sending.set(false);
        Path v1Pid = dir.resolve("v1.pid");
        Optional<ProcessHandle> v1 = Files.exists(v1Pid)
                ? ProcessHandle.of(Long.parseLong(Files.readString(v1Pid).strip())) : Optional.empty();
        v1.ifPresent(ProcessHandle::destroy);
        processes.forEach(Process::destroy);
        try {
            if (client != null) {
                client.join(5_000);
            }
            for (Process p : processes) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            if (v1.isPresent()) {
                v1.get().onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            processes.forEach(Process::destroyForcibly);
        } catch (ExecutionException | TimeoutException e) {
            v1.ifPresent(ProcessHandle::destroyForcibly);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
