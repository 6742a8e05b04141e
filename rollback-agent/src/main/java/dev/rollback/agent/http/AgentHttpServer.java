package dev.rollback.agent.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rollback.agent.config.ServerConfig;
import dev.rollback.agent.request.RequestStore;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.StoreException;
import dev.rollback.agent.request.Submission;
import dev.rollback.agent.request.Trigger;
import dev.rollback.agent.throttle.RevertScheduler;
import dev.rollback.agent.throttle.UnknownServiceException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP doors, on the JDK's small HTTP server:
 * <ul>
 * <li>{@code POST /alerts}: the Alertmanager webhook (payload version 4), handled by
 *     {@link AlertmanagerWebhook}, which only queues; 200 with what it did, 400 or 422 for bad input
 *     (see there). A store failure gets 503, which Alertmanager retries.</li>
 * <li>{@code POST /requests} ({@code {"service": ..., "reason": ..., "toRevision": 2}}),
 *     {@code GET /requests}, {@code GET /requests/ID}, {@code DELETE /requests/ID} (cancels a
 *     queued request: 200, or 409 if it is not queued, 404 if unknown).</li>
 * <li>{@code GET /health}: whether the agent runs; no token needed, for probes.</li>
 * <li>{@code GET /metrics}: the agent's meters in the Prometheus text format.</li>
 * </ul>
 * Every door but {@code /health} needs {@code Authorization: Bearer TOKEN} unless the server runs
 * open on loopback; a missing or wrong token gets 401.
 *
 * <p>Slow and numerous clients cannot starve it ({@link Limits}): each exchange has a thread of its
 * own, up to a cap, so {@code /health} never waits in a queue behind other work; a client gets a few
 * seconds for its headers and for its body, then its connection is closed; connections beyond the
 * cap are closed unread. Closed connections are counted in {@value AgentMetricNames#HTTP_CLOSED}.
 */
public final class AgentHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentHttpServer.class);
    /** Default {@link Limits#maxConnections()}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 128;
    /** Default {@link Limits#headerTimeout()}. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link Limits#bodyTimeout()}. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);
    /** How many connections wait to be accepted by the operating system. */
    private static final int BACKLOG = 128;
    private static final int DEFAULT_LIST_LIMIT = 100;
    private static final int MAX_LIST_LIMIT = 1000;

    private final ServerConfig server;
    private final AlertmanagerWebhook webhook;
    private final RevertScheduler scheduler;
    private final RequestStore store;
    private final PrometheusMeterRegistry prometheus;
    private final boolean dryRun;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer http;
    private final ExchangeExecutor threads;

    /**
     * How the server protects itself from slow and numerous clients; see {@link ExchangeExecutor}.
     *
     * @param maxConnections exchanges served at once, each on a thread of its own; one beyond is
     *                       closed unread. Default {@value #DEFAULT_MAX_CONNECTIONS}
     * @param headerTimeout  how long a client may take to send its request line and headers;
     *                       default {@link #DEFAULT_HEADER_TIMEOUT}
     * @param bodyTimeout    how long a client may take to send its body after its headers; default
     *                       {@link #DEFAULT_BODY_TIMEOUT}
     */
    public record Limits(int maxConnections, Duration headerTimeout, Duration bodyTimeout) {

        /** The defaults. */
        public static final Limits DEFAULT = new Limits(DEFAULT_MAX_CONNECTIONS, DEFAULT_HEADER_TIMEOUT,
                DEFAULT_BODY_TIMEOUT);

        /** Checks the values, naming a bad one. */
        public Limits {
            if (maxConnections < 2) {
                throw new IllegalArgumentException("maxConnections must be at least 2, was " + maxConnections);
            }
            requirePositive("headerTimeout", headerTimeout);
            requirePositive("bodyTimeout", bodyTimeout);
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
            }
        }
    }

    /**
     * Creates and binds the server; it answers once {@link #start()} is called.
     *
     * @param server       where to listen and the token
     * @param webhook      handles Alertmanager's payloads
     * @param scheduler    where requests go
     * @param store        where requests are listed from
     * @param prometheus   the registry whose meters {@code /metrics} shows
     * @param dryRun       whether the agent runs dry, shown by {@code /health}
     * @throws IOException if the address cannot be bound
     */
    public AgentHttpServer(ServerConfig server, AlertmanagerWebhook webhook, RevertScheduler scheduler,
                           RequestStore store, PrometheusMeterRegistry prometheus, boolean dryRun) throws IOException {
        this(server, webhook, scheduler, store, prometheus, dryRun, Limits.DEFAULT);
    }

    /**
     * Creates and binds the server with limits of its own; it answers once {@link #start()} is called.
     *
     * @param server       where to listen and the token
     * @param webhook      what takes Alertmanager's notifications
     * @param scheduler    where requests go
     * @param store        where requests are listed from
     * @param prometheus   the registry whose meters {@code /metrics} shows; also where this server's
     *                     meters go
     * @param dryRun       whether the agent runs dry, shown by {@code /health}
     * @param limits       connections and deadlines
     * @throws IOException if the address cannot be bound
     */
    public AgentHttpServer(ServerConfig server, AlertmanagerWebhook webhook, RevertScheduler scheduler,
                           RequestStore store, PrometheusMeterRegistry prometheus, boolean dryRun, Limits limits)
            throws IOException {
        this.server = Objects.requireNonNull(server, "server");
        this.webhook = Objects.requireNonNull(webhook, "webhook");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.store = Objects.requireNonNull(store, "store");
        this.prometheus = Objects.requireNonNull(prometheus, "prometheus");
        this.dryRun = dryRun;
        Objects.requireNonNull(limits, "limits");
        this.http = HttpServer.create(new InetSocketAddress(server.address(), server.port()), BACKLOG);
        this.threads = new ExchangeExecutor(limits.maxConnections(), limits.headerTimeout(), limits.bodyTimeout(),
                prometheus);
        http.setExecutor(threads);
        http.createContext("/alerts", ex -> handle(ex, true, this::alerts));
        http.createContext("/requests", ex -> handle(ex, true, this::requests));
        http.createContext("/metrics", ex -> handle(ex, true, this::metrics));
        http.createContext("/health", ex -> handle(ex, false, this::health));
        http.createContext("/", ex -> handle(ex, false, e -> {
            throw new BadRequestException(404, "no such path: " + e.getRequestURI().getPath()
                    + "; the agent serves /alerts, /requests, /health and /metrics");
        }));
    }

    /**
     * Starts answering.
     *
     * @return this server
     */
    public AgentHttpServer start() {
        http.start();
        LOG.info("Rollback agent listening on {}:{}{}", server.address(), port(),
                server.requiresToken() ? "" : " WITHOUT a token (open on loopback)");
        return this;
    }

    /**
     * Returns the port listened on, useful when configured as 0.
     *
     * @return the port
     */
    public int port() {
        return http.getAddress().getPort();
    }

    /** A response: status and JSON-able body, or a prepared text. */
    private record Response(int status, Object body, String contentType) {
        static Response json(int status, Object body) {
            return new Response(status, body, "application/json");
        }
    }

    @FunctionalInterface
    private interface Handler {
        Response handle(HttpExchange exchange) throws IOException;
    }

    private void handle(HttpExchange exchange, boolean needsToken, Handler handler) {
        threads.headersRead(hasBody(exchange));
        try {
            Response response;
            try {
                if (needsToken && !authorized(exchange)) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"rollback-agent\"");
                    response = Response.json(401, Map.of("error", "missing or wrong bearer token"));
                } else {
                    response = handler.handle(exchange);
                }
            } catch (BadRequestException e) {
                response = Response.json(e.status(), Map.of("error", e.getMessage()));
            } catch (StoreException e) {
                LOG.error("Request store failed: {}", e.getMessage(), e);
                response = Response.json(503, Map.of("error", "the request store is unavailable; try again"));
            } catch (RuntimeException e) {
                LOG.error("Handling {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                response = Response.json(500, Map.of("error", "internal error: " + e));
            }
            byte[] bytes = response.body() instanceof String s && !"application/json".equals(response.contentType())
                    ? s.getBytes(StandardCharsets.UTF_8) : json.writeValueAsBytes(response.body());
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            LOG.debug("Answering {} failed: {}", exchange.getRequestURI(), e.toString());
        } finally {
            threads.bodyRead();
            exchange.close();
        }
    }

    private static boolean hasBody(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return exchange.getRequestHeaders().containsKey("Transfer-Encoding")
                || length != null && !length.strip().equals("0");
    }

    private boolean authorized(HttpExchange exchange) {
        if (!server.requiresToken()) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, server.token().getBytes(StandardCharsets.UTF_8));
    }

    private String body(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                if (out.size() > server.maxBodyBytes()) {
                    throw new BadRequestException(413, "the body is larger than " + server.maxBodyBytes() + " bytes");
                }
            }
        }
        threads.bodyRead();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void requireMethod(HttpExchange exchange, String... methods) {
        for (String m : methods) {
            if (m.equals(exchange.getRequestMethod())) {
                return;
            }
        }
        exchange.getResponseHeaders().add("Allow", String.join(", ", methods));
        throw new BadRequestException(405, exchange.getRequestMethod() + " is not allowed here; use "
                + String.join(" or ", methods));
    }

    private Response alerts(HttpExchange exchange) throws IOException {
        requireMethod(exchange, "POST");
        return Response.json(200, webhook.receive(body(exchange)));
    }

    private Response requests(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String rest = path.length() > "/requests".length() ? path.substring("/requests".length()) : "";
        if (rest.isEmpty() || "/".equals(rest)) {
            requireMethod(exchange, "GET", "POST");
            if ("GET".equals(exchange.getRequestMethod())) {
                int limit = limit(exchange.getRequestURI().getQuery());
                return Response.json(200, Map.of("requests", store.latest(limit).stream().map(this::view).toList()));
            }
            return submit(body(exchange));
        }
        String id = rest.substring(1);
        requireMethod(exchange, "GET", "DELETE");
        Optional<RevertRequest> found = store.find(id);
        if (found.isEmpty()) {
            throw new BadRequestException(404, "no request with id '" + id + "'");
        }
        if ("GET".equals(exchange.getRequestMethod())) {
            return Response.json(200, view(found.get()));
        }
        if (!scheduler.cancel(id)) {
            throw new BadRequestException(409, "request " + id + " is " + store.find(id).map(r -> r.state().name())
                    .orElse("gone") + "; only a queued request can be cancelled");
        }
        return Response.json(200, view(store.find(id).orElseThrow()));
    }

    private static int limit(String query) {
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("limit=")) {
                    try {
                        int n = Integer.parseInt(part.substring(6));
                        if (n >= 1 && n <= MAX_LIST_LIMIT) {
                            return n;
                        }
                    } catch (NumberFormatException e) {
                        // Falls through to the message below.
                    }
                    throw new BadRequestException(400, "limit: '" + part.substring(6) + "' is not 1.." + MAX_LIST_LIMIT);
                }
            }
        }
        return DEFAULT_LIST_LIMIT;
    }

    private Response submit(String body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw new BadRequestException(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException(400, "the body is not a JSON object such as {\"service\": \"checkout\","
                    + " \"reason\": \"...\"}");
        }
        JsonNode service = root.get("service");
        if (service == null || !service.isTextual() || service.asText().isBlank()) {
            throw new BadRequestException(400, "service: missing or not a string");
        }
        JsonNode reason = root.get("reason");
        if (reason == null || !reason.isTextual() || reason.asText().isBlank()) {
            throw new BadRequestException(400, "reason: missing or not a string; say why the service is reverted");
        }
        Long toRevision = null;
        JsonNode rev = root.get("toRevision");
        if (rev != null && !rev.isNull()) {
            if (!rev.canConvertToLong() || !rev.isIntegralNumber() || rev.asLong() < 1) {
                throw new BadRequestException(400, "toRevision: '" + rev + "' is not a revision (1 or more)");
            }
            toRevision = rev.asLong();
        }
        JsonNode from = root.get("fromVersion");
        String fromVersion = from != null && from.isTextual() ? from.asText() : null;
        try {
            Submission s = scheduler.submit(service.asText(), Trigger.MANUAL, reason.asText(), fromVersion, toRevision,
                    null);
            Map<String, Object> answer = new LinkedHashMap<>(view(s.request()));
            answer.put("result", s.outcome().name().toLowerCase(Locale.ROOT));
            return Response.json(s.outcome() == Submission.Outcome.QUEUED ? 202 : 200, answer);
        } catch (UnknownServiceException e) {
            throw new BadRequestException(422, e.getMessage());
        }
    }

    private Map<String, Object> view(RevertRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("service", r.service());
        m.put("trigger", r.trigger().label());
        m.put("reason", r.reason());
        m.put("state", r.state().name());
        m.put("requestedAt", r.requestedAt().toString());
        if (r.fromVersion() != null) {
            m.put("fromVersion", r.fromVersion());
        }
        if (r.toRevision() != null) {
            m.put("toRevision", r.toRevision());
        }
        if (r.plan() != null) {
            m.put("plan", Map.of("from", r.plan().fromVersion(), "to", r.plan().toVersion()));
        }
        if (r.startedAt() != null) {
            m.put("startedAt", r.startedAt().toString());
        }
        if (r.finishedAt() != null) {
            m.put("finishedAt", r.finishedAt().toString());
        }
        m.put("detail", r.detail());
        return m;
    }

    private Response health(HttpExchange exchange) {
        requireMethod(exchange, "GET");
        return Response.json(200, Map.of("status", "UP", "inFlight", scheduler.inFlight(), "dryRun", dryRun));
    }

    private Response metrics(HttpExchange exchange) {
        requireMethod(exchange, "GET");
        return new Response(200, prometheus.scrape(), "text/plain; version=0.0.4; charset=utf-8");
    }

    /** Stops answering and ends the server's threads. */
    @Override
    public void close() {
        http.stop(0);
        threads.close();
    }
}
