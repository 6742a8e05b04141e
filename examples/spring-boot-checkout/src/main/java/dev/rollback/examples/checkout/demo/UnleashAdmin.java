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
 * The demo playing the operator in Unleash, through its admin API: makes sure the flag exists, sets
 * its gradual rollout, and reads whether it is on. Settings as for the integration tests:
 * {@code rollback.unleash.url} / {@code ROLLBACK_UNLEASH_URL} (default {@code http://127.0.0.1:4242}),
 * {@code rollback.unleash.admin-token}, {@code rollback.unleash.project},
 * {@code rollback.unleash.environment}.
 */
final class UnleashAdmin implements FlagAdmin {

    private final String url;
    private final String token;
    private final String project;
    private final String environment;
    private final String flag;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * Creates the admin client with the settings from system properties or the environment.
     *
     * @param flag the flag it manages
     */
    UnleashAdmin(String flag) {
        this.url = setting("rollback.unleash.url", "ROLLBACK_UNLEASH_URL", "http://127.0.0.1:4242").replaceAll("/+$", "");
        this.token = setting("rollback.unleash.admin-token", "ROLLBACK_UNLEASH_ADMIN_TOKEN", "*:*.it-admin-token");
        this.project = setting("rollback.unleash.project", "ROLLBACK_UNLEASH_PROJECT", "default");
        this.environment = setting("rollback.unleash.environment", "ROLLBACK_UNLEASH_ENVIRONMENT", "development");
        this.flag = flag;
    }

    /** @return the server's base URL */
    String url() {
        return url;
    }

    /**
     * Makes sure the flag exists, with one gradual rollout at 0% sticky on {@code userId}, and is on
     * in the environment (so that the rollout share alone decides).
     *
     * @throws DemoException if Unleash cannot be reached or refuses
     */
    @Override
    public void prepare() {
        HttpResponse<String> existing = send(admin(features() + "/" + flag).GET());
        if (existing.statusCode() == 404) {
            send(admin("/api/admin/archive/" + flag).DELETE());   // an archived flag of the same name blocks creation
            expect(201, send(admin(features()).POST(body(Map.of("name", flag, "type", "release")))), "create the flag");
        } else {
            expect(200, existing, "read the flag");
        }
        for (JsonNode strategy : strategies()) {
            expect(200, send(admin(environmentPath() + "/strategies/" + strategy.path("id").asString()).DELETE()),
                    "remove an old strategy");
        }
        expect(200, send(admin(environmentPath() + "/strategies").POST(body(Map.of("name", "flexibleRollout",
                "parameters", Map.of("rollout", "0", "stickiness", "userId", "groupId", flag))))),
                "add a gradual rollout");
        expect(200, send(admin(environmentPath() + "/on").POST(HttpRequest.BodyPublishers.noBody())), "turn the flag on");
    }

    /**
     * Sets the share of users of the gradual rollout.
     *
     * @param percent 0 to 100
     * @throws DemoException if Unleash cannot be reached or refuses
     */
    @Override
    public void setRollout(int percent) {
        for (JsonNode strategy : strategies()) {
            expect(200, send(admin(environmentPath() + "/strategies/" + strategy.path("id").asString())
                            .PUT(body(Map.of("name", "flexibleRollout", "parameters", Map.of("rollout",
                                    Integer.toString(percent), "stickiness", "userId", "groupId", flag))))),
                    "set the rollout to " + percent + "%");
        }
    }

    /**
     * Returns whether the flag is on in the environment, as the admin API says now.
     *
     * @return whether it is on
     * @throws DemoException if Unleash cannot be reached or refuses
     */
    @Override
    public boolean isOn() {
        HttpResponse<String> response = send(admin(features() + "/" + flag).GET());
        expect(200, response, "read the flag");
        for (JsonNode e : json.readTree(response.body()).path("environments")) {
            if (environment.equals(e.path("name").asString())) {
                return e.path("enabled").asBoolean();
            }
        }
        throw new DemoException("Unleash flag '" + flag + "' has no environment '" + environment + "'");
    }

    @Override
    public String describe() {
        return "Unleash admin API at " + url() + ", environment " + environment;
    }

    @Override
    public String offDetail() {
        return "Unleash serves " + flag + " off in its environment: every instance takes the old path";
    }

    @Override
    public String source() {
        return "unleash";
    }

    private List<JsonNode> strategies() {
        HttpResponse<String> response = send(admin(environmentPath() + "/strategies").GET());
        expect(200, response, "list the strategies");
        List<JsonNode> list = new java.util.ArrayList<>();
        json.readTree(response.body()).forEach(list::add);
        return list;
    }

    private String features() {
        return "/api/admin/projects/" + project + "/features";
    }

    private String environmentPath() {
        return features() + "/" + flag + "/environments/" + environment;
    }

    private HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", token).header("Content-Type", "application/json")
                .header("Accept", "application/json");
    }

    private HttpRequest.BodyPublisher body(Map<String, Object> body) {
        return HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest r = request.build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DemoException("Unleash at " + url + " cannot be reached (" + e
                    + "); start it with: sudo bash .ci/start-postgres.sh && sudo bash .ci/start-unleash.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted during " + r.method() + " " + r.uri(), e);
        }
    }

    private void expect(int status, HttpResponse<String> response, String what) {
        if (response.statusCode() != status) {
            throw new DemoException("Unleash refused to " + what + " for flag '" + flag + "': HTTP "
                    + response.statusCode() + " " + response.body());
        }
    }

    static String setting(String property, String environmentVariable, String defaultValue) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environmentVariable);
        }
        return value == null || value.isBlank() ? defaultValue : value;
    }
}
