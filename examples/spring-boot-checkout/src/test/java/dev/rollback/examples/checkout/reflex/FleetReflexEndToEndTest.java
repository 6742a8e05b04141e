package dev.rollback.examples.checkout.reflex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.testing.RequiredServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The instance reflex through the fleet's monitoring, with real processes on loopback: a real
 * Prometheus (Debian's {@code prometheus}) scrapes release 2 of the example service every second and
 * evaluates the observability kit's rules every second ({@code RollbackInstanceRevertRequested}
 * with {@code for: 5s} instead of 30 s); a real Alertmanager ({@code prometheus-alertmanager},
 * {@code group_wait: 1s}) sends the alert to the agent's webhook; the agent (not polling health)
 * reverts with its command executor, which brings back release 1. Prints the figures.
 */
class FleetReflexEndToEndTest {

    /** The bound of onset -> revert requested through Prometheus and Alertmanager. */
    static final Duration REVERT_REQUESTED_WITHIN = Duration.ofSeconds(30);

    private static final Path RULES = Path.of("..", "..", "observability", "prometheus", "rollback-alerts.yml");

    @RegisterExtension
    final ReflexRigExtension extension = new ReflexRigExtension();

    @BeforeEach
    void servers() {
        RequiredServer.assumeReachable("Prometheus and Alertmanager (Debian packages prometheus,"
                + " prometheus-alertmanager)", "sudo .ci/install-prometheus.sh", () -> {
                    ReflexRig.requireCommand("prometheus");
                    ReflexRig.requireCommand("prometheus-alertmanager");
                });
    }

    @Test
    void prometheusAndAlertmanagerBringTheAlertToTheAgentWhichRevertsTheService() throws Exception {
        ReflexRig rig = extension.rig();
        int prometheusPort = ReflexRig.freePort();
        int alertmanagerPort = ReflexRig.freePort();
        String kitRules = Files.readString(RULES);
        String rules = kitRules.replace("        for: 30s\n", "        for: 5s\n");
        assertThat(rules).as("the kit's revert rule waits 30 s; this test waits 5 s").isNotEqualTo(kitRules);
        rig.write("rules.yml", rules);

        rig.startRelease2();
        rig.startAgent("{interval: 1s}", "");
        rig.write("alertmanager.yml", """
                route:
                  receiver: rollback-agent
                  group_by: [service]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: rollback-agent
                    webhook_configs:
                      - url: %s/alerts
                        send_resolved: false
                """.formatted(rig.agent()));
        rig.start("alertmanager", List.of("prometheus-alertmanager", "--config.file=alertmanager.yml",
                "--storage.path=alertmanager-data", "--web.listen-address=127.0.0.1:" + alertmanagerPort,
                "--cluster.listen-address="));
        rig.write("prometheus.yml", """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: [rules.yml]
                alerting:
                  alertmanagers:
                    - static_configs: [{targets: ["127.0.0.1:%d"]}]
                scrape_configs:
                  - job_name: checkout
                    metrics_path: /actuator/prometheus
                    static_configs: [{targets: ["127.0.0.1:%d"]}]
                """.formatted(alertmanagerPort, Integer.parseInt(rig.service().substring(rig.service().lastIndexOf(':') + 1))));
        rig.start("prometheus", List.of("prometheus", "--config.file=prometheus.yml", "--storage.tsdb.path=prometheus-data",
                "--web.listen-address=127.0.0.1:" + prometheusPort));
        String prometheus = "http://127.0.0.1:" + prometheusPort;
        rig.await("Alertmanager ready", Duration.ofSeconds(60),
                () -> rig.status("http://127.0.0.1:" + alertmanagerPort + "/-/ready") == 200);
        rig.await("Prometheus scraping the service", Duration.ofSeconds(60), () -> rig.json(prometheus
                + "/api/v1/query?query=rollback_health").path("data").path("result").size() == 1);
        ReflexRig.Revert revert = rig.breakAndAwaitRelease1(Duration.ofSeconds(90), (milestone, at) -> { });

        JsonNode done = revert.request();
        System.out.printf("fleet reflex (Prometheus scrape and evaluation 1s, for: 5s, Alertmanager group_wait 1s,"
                        + " agent webhook, command executor, real processes):%n"
                        + "  onset -> revert requested: %d ms (bound %d ms)%n"
                        + "  onset -> release 1 serving: %d ms%n"
                        + "  answers from the onset to release 1's first: %s%n  request %s, trigger %s: %s%n",
                revert.toRequested().toMillis(), REVERT_REQUESTED_WITHIN.toMillis(), revert.toRelease1().toMillis(),
                revert.during(), done.path("state").asString(), done.path("trigger").asString(),
                done.path("reason").asString());

        assertThat(done.path("trigger").asString()).as("%s%n%s", done, rig.logs()).isEqualTo("alert");
        assertThat(done.path("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(done.path("reason").asString()).contains("RollbackInstanceRevertRequested");
        assertThat(revert.toRequested()).isLessThanOrEqualTo(REVERT_REQUESTED_WITHIN);
        assertThat(revert.after().keySet()).containsOnly("release 1");
    }
}
