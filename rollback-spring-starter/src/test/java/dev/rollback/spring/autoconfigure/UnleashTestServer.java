package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.testing.RequiredServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real Unleash server of the starter's tests, by default the one {@code .ci/start-unleash.sh}
 * starts on {@code http://127.0.0.1:4242} with its test tokens; override with
 * {@code rollback.unleash.url}, {@code rollback.unleash.admin-token}, {@code rollback.unleash.client-token},
 * {@code rollback.unleash.project}, {@code rollback.unleash.environment} (or {@code ROLLBACK_UNLEASH_URL},
 * ...). One instance per test: it makes a flag name of its own ({@code prefix-...}) and archives it.
 */
final class UnleashTestServer {

    static final String URL = RequiredServer.setting("rollback.unleash.url", "ROLLBACK_UNLEASH_URL",
            "http://127.0.0.1:4242").replaceAll("/+$", "");
    static final String ADMIN_TOKEN = RequiredServer.setting("rollback.unleash.admin-token",
            "ROLLBACK_UNLEASH_ADMIN_TOKEN", "*:*.it-admin-token");
    static final String CLIENT_TOKEN = RequiredServer.setting("rollback.unleash.client-token",
            "ROLLBACK_UNLEASH_CLIENT_TOKEN", "default:development.it-client-token");
    static final String PROJECT = RequiredServer.setting("rollback.unleash.project",
            "ROLLBACK_UNLEASH_PROJECT", "default");
    static final String ENVIRONMENT = RequiredServer.setting("rollback.unleash.environment",
            "ROLLBACK_UNLEASH_ENVIRONMENT", "development");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String flag;

    UnleashTestServer(String prefix) {
        this.flag = prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16).toLowerCase(Locale.ROOT);
    }

    /** The test's flag. */
    String flag() {
        return flag;
    }

    /** Skips the test unless the server answers, or fails it if {@code rollback.it.required=true}. */
    void assumeReachable() {
        RequiredServer.assumeReachable("Unleash at " + URL,
                "sudo bash .ci/start-postgres.sh && sudo bash .ci/start-unleash.sh",
                () -> expect(200, admin(featuresPath()).GET()));
    }

    /** The properties that make the starter use this server, with the kill switch. */
    String[] starterProperties() {
        return new String[] {"rollback.unleash.url=" + URL + "/api/",
                "rollback.unleash.client-token=" + CLIENT_TOKEN,
                "rollback.unleash.fetch-interval=1s",
                "rollback.unleash.synchronous-fetch-on-initialisation=true",
                "rollback.unleash.kill-switch.token=" + ADMIN_TOKEN,
                "rollback.unleash.kill-switch.project=" + PROJECT,
                "rollback.unleash.kill-switch.environment=" + ENVIRONMENT};
    }

    /** Creates the flag, gives it a gradual rollout to {@code percent}% if below 100, and turns it on. */
    void createFlag(int percent) {
        expect(201, admin(featuresPath()).POST(HttpRequest.BodyPublishers.ofString(
                "{\"name\":\"" + flag + "\",\"type\":\"release\"}")));
        if (percent < 100) {
            expect(200, admin(featuresPath() + "/" + flag + "/environments/" + ENVIRONMENT + "/strategies")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"flexibleRollout\",\"parameters\":"
                            + "{\"rollout\":\"" + percent + "\",\"stickiness\":\"default\",\"groupId\":\"" + flag
                            + "\"}}")));
        }
        expect(200, admin(featuresPath() + "/" + flag + "/environments/" + ENVIRONMENT + "/on")
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Whether a client sees the flag on. */
    boolean enabledForClients() {
        // The list the SDK fetches, not /api/client/features/<flag>: the server answers that one from the
        // database at once, and the list from a revision it refreshes about every second, so a flag can be
        // on there and not yet in the list a starting SDK gets.
        JsonNode list = JsonMapper.builder().build().readTree(send(HttpRequest.newBuilder(
                URI.create(URL + "/api/client/features")).header("Authorization", CLIENT_TOKEN).GET()).body());
        for (JsonNode feature : list.path("features")) {
            if (feature.path("name").asString().equals(flag)) {
                return feature.path("enabled").asBoolean();
            }
        }
        return false;
    }

    /** Whether the flag is on in the test's environment, as the admin API says. */
    boolean enabledInUnleash() {
        JsonNode feature = JsonMapper.builder().build().readTree(expect(200, admin(featuresPath() + "/" + flag).GET()));
        for (JsonNode environment : feature.path("environments")) {
            if (environment.path("name").asString().equals(ENVIRONMENT)) {
                return environment.path("enabled").asBoolean();
            }
        }
        throw new AssertionError("flag " + flag + " has no environment " + ENVIRONMENT + ": " + feature);
    }

    /** Archives the flag; not deleted from the archive too, which can make Unleash 7.5 exit (see rollback-flags' UnleashServer). */
    void archiveFlag() {
        try {
            send(admin(featuresPath() + "/" + flag).DELETE());
        } catch (RuntimeException e) {
            System.err.println("could not archive test flag '" + flag + "': " + e);
        }
    }

    private static String featuresPath() {
        return "/api/admin/projects/" + PROJECT + "/features";
    }

    private HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(URI.create(URL + path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", ADMIN_TOKEN).header("Content-Type", "application/json")
                .header("Accept", "application/json");
    }

    private String expect(int status, HttpRequest.Builder request) {
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode()).as("%s %s: %s", response.request().method(), response.request().uri(),
                response.body()).isEqualTo(status);
        return response.body();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest r = request.build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(r.method() + " " + r.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
