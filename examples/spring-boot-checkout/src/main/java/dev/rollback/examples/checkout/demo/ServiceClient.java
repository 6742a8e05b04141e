package dev.rollback.examples.checkout.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo's HTTP client of the checkout service, on 127.0.0.1 only: places orders, reads the
 * service's rollback endpoint, info and metrics, and uses the demo-only admin API. One
 * {@link HttpClient} for everything; thread-safe.
 */
final class ServiceClient {

    /** How long one request may take before the client counts it as failed. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /**
     * What one order request got.
     *
     * @param answer        who answered
     * @param orderId       the order's id from the receipt, or -1 if the request failed
     * @param latencyMicros how long the client waited
     * @param failure       for a failed request, what went wrong; otherwise {@code null}
     */
    record OrderResult(ClientStats.Answer answer, long orderId, long latencyMicros, String failure) {

        static OrderResult failed(long latencyMicros, String failure) {
            return new OrderResult(ClientStats.Answer.FAILED, -1, latencyMicros, failure);
        }
    }

    private final URI base;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * Creates a client of the service at {@code http://127.0.0.1:port}.
     *
     * @param port the service's port
     */
    ServiceClient(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** @return the service's port on 127.0.0.1 */
    int port() {
        return base.getPort();
    }

    /**
     * Places an order and reports who answered.
     *
     * @param userId       the user
     * @param customerName the name on the order
     * @param sku          the product
     * @param quantity     how many
     * @return the result; never throws for a failed request, it is counted instead
     */
    OrderResult placeOrder(String userId, String customerName, String sku, int quantity) {
        String body = json.writeValueAsString(Map.of("userId", userId, "customerName", customerName, "sku", sku,
                "quantity", quantity));
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/orders")).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long micros = (System.nanoTime() - start) / 1_000;
            if (response.statusCode() != 201) {
                return OrderResult.failed(micros, "HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
            }
            JsonNode receipt = json.readTree(response.body());
            long id = receipt.path("orderId").asLong(-1);
            return switch (receipt.path("path").asString("")) {
                case "v2" -> new OrderResult(ClientStats.Answer.V2, id, micros, null);
                case "v1" -> new OrderResult(ClientStats.Answer.V1, id, micros, null);
                default -> OrderResult.failed(micros, "a receipt without a path: " + abbreviate(response.body()));
            };
        } catch (IOException | RuntimeException e) {
            return OrderResult.failed((System.nanoTime() - start) / 1_000, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OrderResult.failed((System.nanoTime() - start) / 1_000, "interrupted");
        }
    }

    /**
     * Reads an order.
     *
     * @param id the order's id
     * @return {@code GET /orders/{id}}'s JSON
     * @throws DemoException if the service does not answer 200
     */
    JsonNode order(long id) {
        return json.readTree(get("/orders/" + id, "application/json"));
    }

    /**
     * Reads {@code /actuator/rollback}, which answers 503 with the report while the instance asks to
     * be reverted.
     *
     * @return the endpoint's JSON
     * @throws DemoException if the service answers neither 200 nor 503
     */
    JsonNode rollbackEndpoint() {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/actuator/rollback")).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        return json.readTree(send(request, 200, 503));
    }

    /**
     * Reads {@code /actuator/info}.
     *
     * @return the endpoint's JSON
     * @throws DemoException if the service does not answer 200
     */
    JsonNode info() {
        return json.readTree(get("/actuator/info", "application/json"));
    }

    /**
     * Scrapes {@code /actuator/prometheus}.
     *
     * @return the samples
     * @throws DemoException if the service does not answer 200
     */
    List<PrometheusText.Sample> scrape() {
        return PrometheusText.parse(get("/actuator/prometheus", "text/plain"));
    }

    /**
     * Sets the share of users on the new checkout, through the demo-only admin API.
     *
     * @param percent 0 to 100
     * @throws DemoException if the service refuses
     */
    void setRollout(int percent) {
        put("/demo/rollout", Map.of("percent", percent));
    }

    /**
     * Injects a fault into the new checkout, through the demo-only admin API.
     *
     * @param kind           {@code errors}, {@code latency} or {@code none}
     * @param errorRate      with {@code errors}, the share of calls that fail
     * @param addedLatencyMs with {@code latency}, milliseconds added to each call
     * @throws DemoException if the service refuses
     */
    void setFault(String kind, double errorRate, long addedLatencyMs) {
        put("/demo/fault", Map.of("kind", kind, "errorRate", errorRate, "addedLatencyMs", addedLatencyMs));
    }

    private String get(String path, String accept) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", accept).GET().build();
        return send(request, 200);
    }

    private void put(String path, Map<String, Object> body) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
        send(request, 200);
    }

    private String send(HttpRequest request, int... expected) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (java.util.Arrays.stream(expected).noneMatch(status -> status == response.statusCode())) {
                throw new DemoException(request.method() + " " + request.uri() + " answered HTTP "
                        + response.statusCode() + ": " + abbreviate(response.body()));
            }
            return response.body();
        } catch (IOException e) {
            throw new DemoException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }
}
