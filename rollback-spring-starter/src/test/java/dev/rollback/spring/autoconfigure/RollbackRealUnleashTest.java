package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.flags.UnleashFlagSource;
import dev.rollback.testing.RequiredServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The starter against a real Unleash server, by default the one {@code .ci/start-unleash.sh} starts
 * on {@code http://127.0.0.1:4242} with its test tokens; override with {@code rollback.unleash.url},
 * {@code rollback.unleash.admin-token}, {@code rollback.unleash.client-token},
 * {@code rollback.unleash.project}, {@code rollback.unleash.environment} (or {@code ROLLBACK_UNLEASH_URL},
 * ...). Skipped when it cannot be reached, unless {@code rollback.it.required=true}. Its flag has a
 * name of its own ({@code starter-it-...}) and is deleted afterwards.
 */
class RollbackRealUnleashTest {

    private static final String URL = RequiredServer.setting("rollback.unleash.url", "ROLLBACK_UNLEASH_URL",
            "http://127.0.0.1:4242").replaceAll("/+$", "");
    private static final String ADMIN_TOKEN = RequiredServer.setting("rollback.unleash.admin-token",
            "ROLLBACK_UNLEASH_ADMIN_TOKEN", "*:*.it-admin-token");
    private static final String CLIENT_TOKEN = RequiredServer.setting("rollback.unleash.client-token",
            "ROLLBACK_UNLEASH_CLIENT_TOKEN", "default:development.it-client-token");
    private static final String PROJECT = RequiredServer.setting("rollback.unleash.project",
            "ROLLBACK_UNLEASH_PROJECT", "default");
    private static final String ENVIRONMENT = RequiredServer.setting("rollback.unleash.environment",
            "ROLLBACK_UNLEASH_ENVIRONMENT", "development");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String flag = "starter-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)
            .toLowerCase(Locale.ROOT);

    @BeforeEach
    void skipUnlessReachable() {
        RequiredServer.assumeReachable("Unleash at " + URL,
                "sudo bash .ci/start-postgres.sh && sudo bash .ci/start-unleash.sh",
                () -> expect(200, admin("/api/admin/projects/" + PROJECT + "/features").GET()));
    }

    /** Archives the flag; not deleted from the archive too, which can make Unleash 7.5 exit (see rollback-flags' UnleashServer). */
    @AfterEach
    void archiveFlag() {
        try {
            send(admin(featuresPath() + "/" + flag).DELETE());
        } catch (RuntimeException e) {
            System.err.println("could not archive test flag '" + flag + "': " + e);
        }
    }

    @Test
    void takesTheNewPathWhileTheFlagIsOnAndTurnsItOffInUnleashOnRollback() {
        expect(201, admin(featuresPath()).POST(HttpRequest.BodyPublishers.ofString(
                "{\"name\":\"" + flag + "\",\"type\":\"release\"}")));
        expect(200, admin(featuresPath() + "/" + flag + "/environments/" + ENVIRONMENT + "/on")
                .POST(HttpRequest.BodyPublishers.noBody()));
        await().atMost(Duration.ofSeconds(10)).until(() -> send(HttpRequest.newBuilder(
                        URI.create(URL + "/api/client/features/" + flag)).header("Authorization", CLIENT_TOKEN).GET())
                .body().contains("\"enabled\":true"));

        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RollbackUnleashAutoConfiguration.class,
                        RollbackAutoConfiguration.class))
                .withPropertyValues("spring.application.name=starter-it",
                        "rollback.unleash.url=" + URL + "/api/",
                        "rollback.unleash.client-token=" + CLIENT_TOKEN,
                        "rollback.unleash.fetch-interval=1s",
                        "rollback.unleash.synchronous-fetch-on-initialisation=true",
                        "rollback.unleash.kill-switch.token=" + ADMIN_TOKEN,
                        "rollback.unleash.kill-switch.project=" + PROJECT,
                        "rollback.unleash.kill-switch.environment=" + ENVIRONMENT)
                .run(context -> {
                    assertThat(context.getBean(FlagSource.class)).isInstanceOf(UnleashFlagSource.class);
                    ReleaseGuard guard = context.getBean(RollbackRegistry.class).guard(flag);
                    assertThat(guard.call("user-1", () -> "new", () -> "old")).isEqualTo("new");
                    assertThat(enabledInUnleash()).isTrue();

                    guard.rollback("starter integration test");

                    assertThat(guard.call("user-1", () -> "new", () -> "old")).isEqualTo("old");
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                            .until(() -> !enabledInUnleash());
                });
    }

    private boolean enabledInUnleash() {
        JsonNode feature = JsonMapper.builder().build().readTree(expect(200, admin(featuresPath() + "/" + flag).GET()));
        for (JsonNode environment : feature.path("environments")) {
            if (environment.path("name").asString().equals(ENVIRONMENT)) {
                return environment.path("enabled").asBoolean();
            }
        }
        throw new AssertionError("flag " + flag + " has no environment " + ENVIRONMENT + ": " + feature);
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
