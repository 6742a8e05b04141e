package dev.rollback.flags.it;

import dev.rollback.testing.RequiredServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The real Unleash server of the integration tests, and what they do to it through its admin API:
 * create, configure, switch and delete flags. Every setting can be overridden by a system property
 * or an environment variable; the defaults match {@code .ci/start-unleash.sh}.
 *
 * <p>Flags created here get unique names and are archived by {@link #archiveCreatedFlags()}. They are
 * not deleted from the archive as well: Unleash 7.5 records an archived flag's lifecycle after it
 * answers, and a delete in that moment makes the server fail on its foreign key and exit.
 */
final class UnleashServer {

    /** Base URL, without {@code /api}. */
    static final String URL = RequiredServer.setting("rollback.unleash.url", "ROLLBACK_UNLEASH_URL",
            "http://127.0.0.1:4242").replaceAll("/+$", "");
    /** An admin token ({@code *:*.<secret>}). */
    static final String ADMIN_TOKEN = RequiredServer.setting("rollback.unleash.admin-token",
            "ROLLBACK_UNLEASH_ADMIN_TOKEN", "*:*.it-admin-token");
    /** A backend (client) token for {@link #PROJECT} and {@link #ENVIRONMENT}. */
    static final String CLIENT_TOKEN = RequiredServer.setting("rollback.unleash.client-token",
            "ROLLBACK_UNLEASH_CLIENT_TOKEN", "default:development.it-client-token");
    static final String PROJECT = RequiredServer.setting("rollback.unleash.project", "ROLLBACK_UNLEASH_PROJECT",
            "default");
    static final String ENVIRONMENT = RequiredServer.setting("rollback.unleash.environment",
            "ROLLBACK_UNLEASH_ENVIRONMENT", "development");

    static final String DESCRIPTION = "Unleash at " + URL;
    static final String HOW_TO_START = "sudo bash .ci/start-postgres.sh && sudo bash .ci/start-unleash.sh";

    /** Changes take about a second to reach /api/client/features; this bounds every wait for one. */
    static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> created = new ArrayList<>();

    /** Skips or fails the calling test unless the server answers and both tokens are accepted. */
    static void assumeReachable() {
        RequiredServer.assumeReachable(DESCRIPTION, HOW_TO_START, () -> {
            UnleashServer server = new UnleashServer();
            server.probe("GET /health", HttpRequest.newBuilder(URI.create(URL + "/health")));
            server.probe("GET the project's flags with the admin token",
                    server.admin("/api/admin/projects/" + PROJECT + "/features"));
            server.probe("GET /api/client/features with the client token",
                    HttpRequest.newBuilder(URI.create(URL + "/api/client/features")).header("Authorization", CLIENT_TOKEN));
        });
    }

    private void probe(String what, HttpRequest.Builder request) {
        HttpResponse<String> response = send(request.timeout(Duration.ofSeconds(5)).GET());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(what + " answered HTTP " + response.statusCode()
                    + " (check the URL and tokens: system properties rollback.unleash.url, rollback.unleash.admin-token,"
                    + " rollback.unleash.client-token or ROLLBACK_UNLEASH_URL, ROLLBACK_UNLEASH_ADMIN_TOKEN,"
                    + " ROLLBACK_UNLEASH_CLIENT_TOKEN)");
        }
    }

    /** Returns a flag name no other test uses, e.g. {@code rollback-it-split-3f9a0c1e}. */
    static String uniqueFlagName(String what) {
        return "rollback-it-" + what + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)
                .toLowerCase(Locale.ROOT);
    }

    /** Creates a release flag, off, with no strategy; {@link #archiveCreatedFlags()} archives it. */
    void createFlag(String flag) {
        JsonObject body = new JsonObject();
        body.addProperty("name", flag);
        body.addProperty("type", "release");
        expect(201, admin(featuresPath()).POST(json(body)), "create flag '" + flag + "'");
        created.add(flag);
    }

    /** Creates a flag on for every call (Unleash adds a 100% flexibleRollout when it is turned on). */
    void createFlagOnForEveryone(String flag) {
        createFlag(flag);
        turnOn(flag);
    }

    /**
     * Creates a flag with one gradual rollout of {@code percent}% sticky on {@code userId}, then turns
     * it on. The strategy goes in first: turning on a flag without strategies adds a 100% one, and
     * strategies are ORed.
     */
    void createFlagWithGradualRollout(String flag, int percent) {
        createFlag(flag);
        JsonObject parameters = new JsonObject();
        parameters.addProperty("rollout", Integer.toString(percent));
        parameters.addProperty("stickiness", "userId");
        parameters.addProperty("groupId", flag);
        JsonObject strategy = new JsonObject();
        strategy.addProperty("name", "flexibleRollout");
        strategy.add("parameters", parameters);
        expect(200, admin(environmentPath(flag) + "/strategies").POST(json(strategy)),
                "add a " + percent + "% rollout to '" + flag + "'");
        turnOn(flag);
    }

    void turnOn(String flag) {
        expect(200, admin(environmentPath(flag) + "/on").POST(HttpRequest.BodyPublishers.noBody()),
                "turn on '" + flag + "'");
    }

    void turnOff(String flag) {
        expect(200, admin(environmentPath(flag) + "/off").POST(HttpRequest.BodyPublishers.noBody()),
                "turn off '" + flag + "'");
    }

    /** Whether the flag is on in the environment, as the admin API says now. */
    boolean isEnabled(String flag) {
        HttpResponse<String> response = send(admin(featuresPath() + "/" + flag).GET());
        expect(200, response, "read flag '" + flag + "'");
        for (JsonElement environment : JsonParser.parseString(response.body()).getAsJsonObject()
                .getAsJsonArray("environments")) {
            JsonObject e = environment.getAsJsonObject();
            if (ENVIRONMENT.equals(e.get("name").getAsString())) {
                return e.get("enabled").getAsBoolean();
            }
        }
        throw new AssertionError("flag '" + flag + "' has no environment '" + ENVIRONMENT + "': " + response.body());
    }

    /**
     * Whether /api/client/features, the list an SDK fetches, serves the flag, and on or off; empty if it
     * does not serve it. Not /api/client/features/{name}: the server answers that one from the database
     * at once, and the list from a revision it refreshes about every second.
     */
    Optional<Boolean> servedToClients(String flag) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(URL + "/api/client/features"))
                .header("Authorization", CLIENT_TOKEN).GET());
        expect(200, response, "read the flags through the client API");
        for (var feature : JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("features")) {
            if (feature.getAsJsonObject().get("name").getAsString().equals(flag)) {
                return Optional.of(feature.getAsJsonObject().get("enabled").getAsBoolean());
            }
        }
        return Optional.empty();
    }

    /** Waits until /api/client/features serves the flag as {@code enabled}, so that a new SDK sees it so. */
    void awaitServedToClients(String flag, boolean enabled) {
        await("client API serves '" + flag + "' " + (enabled ? "on" : "off"))
                .atMost(PROPAGATION_LIMIT).pollInterval(Duration.ofMillis(50))
                .until(() -> servedToClients(flag).orElse(!enabled) == enabled);
    }

    /** Archives every flag this object created; best effort, so that it never hides a test failure. */
    void archiveCreatedFlags() {
        for (String flag : created) {
            try {
                send(admin(featuresPath() + "/" + flag).DELETE());
            } catch (RuntimeException e) {
                System.err.println("could not archive test flag '" + flag + "' in Unleash: " + e);
            }
        }
        created.clear();
    }

    private static String featuresPath() {
        return "/api/admin/projects/" + PROJECT + "/features";
    }

    private static String environmentPath(String flag) {
        return featuresPath() + "/" + flag + "/environments/" + ENVIRONMENT;
    }

    private HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(URI.create(URL + path))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", ADMIN_TOKEN)
                .header("Accept", "application/json");
    }

    private static HttpRequest.BodyPublisher json(JsonObject body) {
        return HttpRequest.BodyPublishers.ofString(body.toString());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest r = request.header("Content-Type", "application/json").build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(r.method() + " " + r.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + r.method() + " " + r.uri(), e);
        }
    }

    private void expect(int status, HttpRequest.Builder request, String what) {
        expect(status, send(request), what);
    }

    private static void expect(int status, HttpResponse<String> response, String what) {
        assertThat(response.statusCode())
                .as("%s: %s %s answered %s", what, response.request().method(), response.request().uri(),
                        response.body())
                .isEqualTo(status);
    }
}
