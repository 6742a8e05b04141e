package dev.rollback.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String TOKEN = "0123456789abcdef0123";

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(Map.of());

    private static final String FULL = """
            server:
              address: 127.0.0.1
              port: 9099
              token: 0123456789abcdef0123
            alertmanager:
              serviceLabel: app
              namespaces: [shop-canary, shop-eu]
            throttle:
              maxInFlight: 3
              cooldown: 15m
            watch:
              interval: 5s
              timeout: 500ms
              consecutive: 2
            kubernetes:
              rolloutTimeout: PT20M
            store:
              url: jdbc:h2:file:./agent-store
            ledger:
              url: jdbc:postgresql://db:5432/ledger
              username: app
              password: secret
            dryRun: true
            services:
              - name: checkout
                tier: 0
                cooldown: 30m
                kubernetes:
                  namespace: shop
                  deployment: checkout-web
                pods:
                  selector: app=checkout
                  port: 8080
                quorum: 50%
                consecutive: 4
              - name: legacy-billing
                command:
                  run: [systemctl, restart, "billing@{toVersion}"]
                  timeout: 2m
                healthUrls: [http://10.0.0.5:8080/actuator/rollback]
            """;

    @Test
    void readsEveryValue() {
        AgentConfig c = loader.parse(FULL, false);

        assertThat(c.server()).isEqualTo(new ServerConfig("127.0.0.1", 9099, TOKEN, false,
                ServerConfig.DEFAULT_MAX_BODY_BYTES));
        assertThat(c.alertmanager().serviceLabel()).isEqualTo("app");
        assertThat(c.alertmanager().actionLabel()).isEqualTo(AlertmanagerConfig.DEFAULT_ACTION_LABEL);
        assertThat(c.alertmanager().namespaces()).containsExactlyInAnyOrder("shop-canary", "shop-eu");
        assertThat(c.alertmanager().mapping()).endsWith("one of [shop-canary, shop-eu], where its Deployment is then"
                + " reverted");
        assertThat(c.throttle()).isEqualTo(new ThrottleConfig(3, Duration.ofMinutes(15)));
        assertThat(c.watch()).isEqualTo(new WatchConfig(Duration.ofSeconds(5), Duration.ofMillis(500), 2));
        assertThat(c.kubernetes().rolloutTimeout()).isEqualTo(Duration.ofMinutes(20));
        assertThat(c.kubernetes().pollInterval()).isEqualTo(KubernetesConfig.DEFAULT_POLL_INTERVAL);
        assertThat(c.ledgerDatabase().url()).isEqualTo("jdbc:postgresql://db:5432/ledger");
        assertThat(c.ledgerDatabase().toString()).doesNotContain("secret");
        assertThat(c.dryRun()).isTrue();
        ServiceConfig checkout = c.service("checkout").orElseThrow();
        assertThat(checkout.executor()).isEqualTo(new ExecutorConfig.Kubernetes("shop", "checkout-web"));
        assertThat(checkout.pods()).isEqualTo(new PodDiscovery("shop", "app=checkout", 8080, PodDiscovery.DEFAULT_PATH));
        assertThat(checkout.quorum().required(5)).isEqualTo(3);
        assertThat(checkout.cooldown()).isEqualTo(Duration.ofMinutes(30));
        ServiceConfig billing = c.service("legacy-billing").orElseThrow();
        assertThat(billing.tier()).isEqualTo(ServiceConfig.DEFAULT_TIER);
        assertThat(billing.executor()).isEqualTo(new ExecutorConfig.Command(
                List.of("systemctl", "restart", "billing@{toVersion}"), "", false, Duration.ofMinutes(2)));
        assertThat(billing.healthUrls()).containsExactly(URI.create("http://10.0.0.5:8080/actuator/rollback"));
        assertThat(billing.quorum()).isEqualTo(Quorum.DEFAULT);
    }

    @Test
    void theTokenComesFromTheEnvironmentFirstThenTheFile() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "from-the-file-0123456789\n");
        String yaml = FULL.replace("token: 0123456789abcdef0123", "tokenFile: " + file);

        assertThat(loader.parse(yaml, false).server().token()).isEqualTo("from-the-file-0123456789");
        assertThat(new ConfigLoader(Map.of(ConfigLoader.TOKEN_ENV, "from-the-environment-0123")).parse(yaml, false)
                .server().token()).isEqualTo("from-the-environment-0123");
    }

    @Test
    void readsTheHealthCredentialFromAFileOrTheEnvironmentAndNeverShowsIt() throws Exception {
        Path file = dir.resolve("agent-password");
        Files.writeString(file, "s3cret-password\n");
        String basic = FULL.replace("  consecutive: 2\n", "  consecutive: 2\n  credential: {username: agent,"
                + " passwordFile: " + file + "}\n");
        String bearer = FULL.replace("  consecutive: 2\n", "  consecutive: 2\n  credential: {bearerTokenEnv: HEALTH_TOKEN}\n");

        HealthCredential fromFile = loader.parse(basic, false).watch().credential();
        HealthCredential fromEnv = new ConfigLoader(Map.of("HEALTH_TOKEN", "t0ken")).parse(bearer, false)
                .watch().credential();

        assertThat(fromFile.authorization()).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("agent:s3cret-password".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(fromEnv.authorization()).isEqualTo("Bearer t0ken");
        assertThat(loader.parse(basic, false).toString()).doesNotContain("s3cret");
        assertThat(fromEnv.toString()).isEqualTo("bearer ***");
        assertBad(bearer, "watch.credential.bearerTokenEnv: the environment variable HEALTH_TOKEN is not set");
        assertBad(FULL.replace("  consecutive: 2\n", "  consecutive: 2\n  credential: {username: agent}\n"),
                "watch.credential: set exactly one of passwordFile and passwordEnv");
    }

    @Test
    void acceptsInsecureLoopbackInTheFileAndOnTheCommandLineTogether() {
        String open = FULL.replace("  token: 0123456789abcdef0123\n", "  insecureLoopback: true\n");

        assertThat(loader.parse(open, true).server().requiresToken()).isFalse();
    }

    @Test
    void refusesToStartWithoutATokenUnlessOpenOnLoopback() {
        String noToken = FULL.replace("  token: 0123456789abcdef0123\n", "");

        assertThatThrownBy(() -> loader.parse(noToken, false))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("server.token: no bearer token is set");
        assertThat(loader.parse(noToken, true).server().requiresToken()).isFalse();
        assertThatThrownBy(() -> loader.parse(noToken.replace("address: 127.0.0.1", "address: 0.0.0.0"), true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.address: 0.0.0.0 is not a loopback address");
    }

    @Test
    void namesTheKeyAndTheValueOfWhatIsWrong() {
        assertBad(FULL.replace("port: 9099", "port: 70000"), "server.port: 70000 is not a port");
        assertBad(FULL.replace("cooldown: 15m", "cooldown: ten minutes"),
                "throttle.cooldown: 'ten minutes' is not a duration");
        assertBad(FULL.replace("maxInFlight: 3", "maxInFlight: 0"), "throttle.maxInFlight: 0 is too small");
        assertBad(FULL.replace("maxInFlight: 3", "maxInFlight: lots"), "throttle.maxInFlight: 'lots' is not a whole number");
        assertBad(FULL.replace("quorum: 50%", "quorum: 150%"), "services[0].quorum: 150% is not a percentage");
        assertBad(FULL.replace("tier: 0", "tier: 12"), "services.checkout.tier: 12 is not a tier 0..9");
        assertBad(FULL.replace("dryRun: true", "dryRun: maybe"), "dryRun: 'maybe' is not true or false");
        assertBad(FULL.replace("deployment: checkout-web", "deployment: Checkout_Web"),
                "services[0].kubernetes.deployment: 'Checkout_Web' is not a Kubernetes name");
        assertBad(FULL.replace("url: jdbc:h2:file:./agent-store", "url: jdbc:mysql://db/x"),
                "store.url: jdbc:mysql://db/x is neither an H2");
        assertBad(FULL.replace("selector: app=checkout", "selector: app in (a,b)"), "services[0].pods.selector: 'app in (a,b)'");
        assertBad(FULL.replace("token: 0123456789abcdef0123", "token: short"), "server.token: a token of 5 characters");
        assertBad(FULL.replace("timeout: 2m", "timeout: 0s"), "services[1].command.timeout: PT0S is not a positive duration");
    }

    @Test
    void namesAnUnknownKey() {
        assertBad(FULL.replace("maxInFlight: 3", "maxInFlite: 3"), "throttle.maxInFlite: unknown key");
        assertBad(FULL.replace("dryRun: true", "dryrun: true"), "dryrun: unknown key");
        assertBad(FULL.replace("    tier: 0", "    teir: 0"), "services[0].teir: unknown key");
    }

    @Test
    void refusesAServiceWithoutOrWithTwoExecutors() {
        assertBad(FULL.replace("""
                    command:
                      run: [systemctl, restart, "billing@{toVersion}"]
                      timeout: 2m
                """, ""), "services[1] (legacy-billing): set exactly one of 'kubernetes' (a Deployment),"
                + " 'argoRollout' (an Argo Rollouts Rollout) and 'command'");
        assertBad(FULL + """
                  - name: checkout
                    command:
                      run: ["true"]
                """, "services: 'checkout' is configured twice");
    }

    @Test
    void readsAnArgoRolloutAndItsActionDefaultingToAbortThenUndo() {
        AgentConfig c = loader.parse(FULL + """
                  - name: canary-demo
                    argoRollout: {namespace: jesse-test}
                  - name: search
                    argoRollout: {namespace: shop, name: search-web}
                    argoAction: abort
                """, false);

        assertThat(c.service("canary-demo").orElseThrow().executor()).isEqualTo(new ExecutorConfig.ArgoRollout(
                "jesse-test", "canary-demo", ExecutorConfig.ArgoAction.ABORT_THEN_UNDO));
        assertThat(c.service("search").orElseThrow().executor()).isEqualTo(new ExecutorConfig.ArgoRollout(
                "shop", "search-web", ExecutorConfig.ArgoAction.ABORT));
        assertThat(ExecutorConfig.ArgoRollout.DEFAULT_ACTION).isEqualTo(ExecutorConfig.ArgoAction.ABORT_THEN_UNDO);
    }

    @Test
    void refusesAServiceWithBothADeploymentAndAnArgoRolloutOrAnActionWithoutARollout() {
        assertBad(FULL.replace("""
                      deployment: checkout-web
                """, """
                      deployment: checkout-web
                    argoRollout: {namespace: shop, name: checkout-web}
                """), "services[0] (checkout): set exactly one of 'kubernetes' (a Deployment), 'argoRollout'"
                + " (an Argo Rollouts Rollout) and 'command'; a service is reverted through one of them only,"
                + " so remove the others");
        assertBad(FULL.replace("    tier: 0", "    tier: 0\n    argoAction: undo"),
                "services[0].argoAction (checkout): only applies to a service with 'argoRollout'");
        assertBad(FULL + """
                  - name: canary-demo
                    argoRollout: {namespace: jesse-test}
                    argoAction: rollback
                """, "services[2].argoAction: 'rollback' is not an action; use abort, undo or abort-then-undo");
        assertBad(FULL + """
                  - name: canary-demo
                    argoRollout: {namespace: Jesse_Test}
                """, "services[2].argoRollout.namespace: 'Jesse_Test' is not a Kubernetes name");
    }

    @Test
    void refusesAnAllowedNamespaceThatIsNotAKubernetesName() {
        assertBad(FULL.replace("[shop-canary, shop-eu]", "[shop-canary, Shop_EU]"),
                "alertmanager.namespaces: 'Shop_EU' is not a Kubernetes name");
    }

    @Test
    void refusesAnEmptyConfigurationClearly() {
        assertBad("", "server.token: no bearer token");
        assertThatThrownBy(() -> loader.parse("", true)).hasMessageContaining("services: none configured");
        assertBad("server: [1, 2]", "server: a list is not a mapping");
        assertBad("server: {port: 1", "not valid YAML");
    }

    private void assertBad(String yaml, String message) {
        assertThatThrownBy(() -> loader.parse(yaml, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void readsDurationsInShortAndIsoForm() {
        assertThat(ConfigLoader.parseDuration("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigLoader.parseDuration("k", "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigLoader.parseDuration("k", "1d")).isEqualTo(Duration.ofDays(1));
        assertThat(ConfigLoader.parseDuration("k", "PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }
}
