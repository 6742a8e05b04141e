package dev.rollback.spring.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.ledger.RollbackRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the end-to-end tests do to a running {@link CheckoutApplication}, over real HTTP: the same
 * steps on H2 or in memory and on PostgreSQL.
 */
final class CheckoutScenario {

    /** The properties every run of the application gets. */
    static final Map<String, Object> PROPERTIES = Map.of(
            "spring.application.name", "checkout",
            "rollback.service.version", "1.4.0",
            "rollback.features.checkout-v2.rollout", 50,
            "management.endpoints.web.exposure.include", "health,rollback,prometheus",
            "management.endpoint.health.show-details", "always",
            "management.endpoint.health.group.instance.include", "rollback",
            "management.endpoint.health.group.instance.show-details", "always",
            "management.endpoint.rollback.access", "unrestricted");

    /** How many requests may pass before the broken new path must have been rolled back. */
    static final int ROLLBACK_WITHIN_REQUESTS = 1_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    CheckoutScenario(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** The result of {@link #breakNewPathUntilRolledBack}. */
    record Traffic(int requests, int failed, int answeredByOldPath) {

        /** Prints what the clients saw, as the core's acceptance tests print what they measured. */
        void print(String where) {
            System.out.printf("%s: %d requests (200 healthy, then the new path broken until the rollback),"
                    + " %d failed, %d answered by the old path after the break%n", where, requests, failed,
                    answeredByOldPath);
        }
    }

    /**
     * Sends healthy traffic, breaks the new path, then sends traffic until the feature is rolled back;
     * returns what the clients saw.
     */
    Traffic breakNewPathUntilRolledBack(CheckoutService service) {
        int requests = 0;
        int failed = 0;
        int old = 0;
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> response = get("/checkout?user=user-" + i);
            requests++;
            failed += response.statusCode() == 200 ? 0 : 1;
        }
        service.breakNewCheckout();
        for (int i = 0; i < ROLLBACK_WITHIN_REQUESTS && !state(CheckoutService.CHECKOUT).equals("ROLLED_BACK"); i++) {
            HttpResponse<String> response = get("/checkout?user=user-" + i);
            requests++;
            if (response.statusCode() != 200) {
                failed++;
            } else if (response.body().startsWith("v1:")) {
                old++;
            }
        }
        return new Traffic(requests, failed, old);
    }

    /** Returns a feature's state as {@code /actuator/rollback} reports it. */
    String state(String feature) {
        return feature(feature).path("state").asString();
    }

    /** Returns a feature's entry of {@code /actuator/rollback}. */
    JsonNode feature(String feature) {
        for (JsonNode node : json("/actuator/rollback").path("features")) {
            if (node.path("feature").asString().equals(feature)) {
                return node;
            }
        }
        throw new AssertionError("/actuator/rollback lists no feature " + feature);
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    JsonNode json(String path) {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isIn(200, 503);
        return JSON.readTree(response.body());
    }

    /** Waits until the ledger holds a rollback of {@code feature} in this instance's deployment. */
    static RollbackRecord awaitRecordedRollback(RollbackRegistry registry, String feature) {
        return await("a rollback of " + feature + " in the ledger").atMost(Duration.ofSeconds(10))
                .until(() -> registry.ledger().rollbacks(registry.deployment().id()).stream()
                        .filter(r -> feature.equals(r.feature()))
                        .findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    static JsonNode parse(String body) {
        return JSON.readTree(body);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest r = request.timeout(Duration.ofSeconds(10)).build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(r.method() + " " + r.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
