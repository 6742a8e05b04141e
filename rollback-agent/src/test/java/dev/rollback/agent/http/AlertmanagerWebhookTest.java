package dev.rollback.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.AlertmanagerConfig;
import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.ServerConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.http.AlertmanagerBodies.Alert;
import dev.rollback.agent.http.AlertmanagerBodies.Version;
import dev.rollback.agent.metrics.AgentMetricNames;
import dev.rollback.agent.request.JdbcRequestStore;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.throttle.RevertScheduler;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The webhook on bodies in Alertmanager's exact shape (see {@link AlertmanagerBodies}), in virtual
 * time: now is {@link #NOW}.
 */
class AlertmanagerWebhookTest {

    private static final Instant NOW = Instant.parse("2026-11-26T10:20:00Z");
    private static final String STARTED = "2026-11-26T10:15:30.123456789Z";
    /** Where Prometheus puts a firing alert's end: a few evaluation intervals ahead, renewed each time. */
    private static final String ENDS_LATER = "2026-11-26T10:24:00.123Z";
    private static final String ENDED = "2026-11-26T10:19:59.999Z";

    private final JdbcRequestStore store = new JdbcRequestStore(
            "jdbc:h2:mem:webhook-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", "");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MockClock clock = new MockClock();
    private RevertScheduler scheduler;
    private AlertmanagerWebhook webhook;

    @BeforeEach
    void create() {
        clock.add(Duration.ofMillis(NOW.toEpochMilli() - clock.wallTime()));
        start(AlertmanagerConfig.DEFAULTS);
    }

    /** Creates the scheduler and the webhook with these label settings. */
    private void start(AlertmanagerConfig alertmanager) {
        AgentConfig config = AgentConfig.builder(ServerConfig.withToken("t".repeat(32)))
                .service(ServiceConfig.of("checkout", 0, new ExecutorConfig.Kubernetes("shop", "checkout")))
                .service(ServiceConfig.of("billing", 1, new ExecutorConfig.Command(List.of("true"), "", false,
                        Duration.ofSeconds(1))))
                .alertmanager(alertmanager)
                .build();
        // Not started: requests stay queued, which is what the webhook's decisions are judged by.
        scheduler = new RevertScheduler(config, store, s -> null, new InMemoryRollbackLedger(), clock, meters);
        webhook = new AlertmanagerWebhook(config, scheduler, meters, clock);
    }

    @AfterEach
    void close() {
        scheduler.close();
        store.close();
    }

    private static Map<String, String> labels(String... keyValues) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            labels.put(keyValues[i], keyValues[i + 1]);
        }
        return labels;
    }

    private static Alert firing(Map<String, String> labels, String endsAt, String fingerprint) {
        return new Alert("firing", labels, Map.of("summary", "checkout v2 error budget burning 14x"), STARTED, endsAt,
                fingerprint);
    }

    private static final Map<String, String> REVERT_CHECKOUT = labels("alertname", "CheckoutErrorBudgetBurn",
            "namespace", "shop", "rollback_action", "revert", "service", "checkout", "severity", "critical",
            "version", "2.0.0");

    private static String group(Version version, Alert... alerts) {
        return AlertmanagerBodies.group(version, 0, Map.of("rollback_action", "revert"), List.of(alerts));
    }

    private double alerts(String result) {
        return meters.counter(AgentMetricNames.ALERTS, "result", result).count();
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void queuesAFiringAlertWhoseEndIsAheadAsPrometheusSendsIt(Version version) {
        Map<String, Object> answer = webhook.receive(group(version, firing(REVERT_CHECKOUT, ENDS_LATER, "c6b3f8a1e2d4f5a6")));

        assertThat(answer).containsEntry("ended", 0);
        List<RevertRequest> queued = store.latest(10);
        assertThat(queued).singleElement().satisfies(r -> {
            assertThat(r.service()).isEqualTo("checkout");
            assertThat(r.fromVersion()).isEqualTo("2.0.0");
            assertThat(r.reason()).contains("CheckoutErrorBudgetBurn").contains("error budget burning 14x");
        });
        assertThat(alerts("queued")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void queuesAFiringAlertWithoutAnEnd(Version version) {
        webhook.receive(group(version, firing(REVERT_CHECKOUT, AlertmanagerBodies.NO_END, "c6b3f8a1e2d4f5a6")));

        assertThat(store.latest(10)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void skipsAndCountsAFiringAlertWhoseEndHasPassed(Version version) {
        Map<String, Object> answer = webhook.receive(group(version, firing(REVERT_CHECKOUT, ENDED, "c6b3f8a1e2d4f5a6")));

        assertThat(answer).containsEntry("ended", 1);
        assertThat(store.latest(10)).isEmpty();
        assertThat(alerts("ended")).isEqualTo(1);
    }

    @Test
    void anAlertEndingExactlyNowHasEndedAsAlertmanagerSays() {
        String now = NOW.toString();

        webhook.receive(group(Version.V0_34, firing(REVERT_CHECKOUT, now, "c6b3f8a1e2d4f5a6")));
        clock.add(-1, TimeUnit.MILLISECONDS);
        webhook.receive(group(Version.V0_34, firing(REVERT_CHECKOUT, now, "d7c4a9b2f3e5a6b7")));

        assertThat(alerts("ended")).isEqualTo(1);
        assertThat(store.latest(10)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void countsTruncatedAlertsPerReceiverAndStillHandlesTheRest(Version version) {
        String body = AlertmanagerBodies.group(version, 3, Map.of(),
                List.of(firing(REVERT_CHECKOUT, ENDS_LATER, "c6b3f8a1e2d4f5a6")));

        webhook.receive(body);
        webhook.receive(body);

        assertThat(meters.counter(AgentMetricNames.ALERTS_TRUNCATED, "receiver", "rollback-agent").count())
                .isEqualTo(6);
        assertThat(store.latest(10)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void refusesARevertAlertWithoutTheServiceLabelNamingTheAlertAndTheLabel(Version version) {
        Map<String, String> noService = labels("alertname", "CheckoutErrorBudgetBurn", "rollback_action", "revert");

        assertThatThrownBy(() -> webhook.receive(group(version, firing(REVERT_CHECKOUT, ENDS_LATER, "aa01"),
                firing(noService, ENDS_LATER, "c6b3f8a1e2d4f5a6"))))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(422))
                .hasMessageContaining("alerts[1] (fingerprint c6b3f8a1e2d4f5a6, alertname CheckoutErrorBudgetBurn)")
                .hasMessageContaining("no label 'service'")
                .hasMessageContaining("nothing of this group was queued");
        assertThat(store.latest(10)).as("a bad alert makes the whole group 4xx").isEmpty();
        assertThat(alerts("rejected")).isEqualTo(1);
    }

    @Test
    void refusesAnAlertNamingAnotherNamespaceThanTheService() {
        Map<String, String> canary = new LinkedHashMap<>(REVERT_CHECKOUT);
        canary.put("namespace", "shop-canary");

        assertThatThrownBy(() -> webhook.receive(group(Version.V0_34, firing(canary, ENDS_LATER, "c6b3f8a1e2d4f5a6"))))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(422))
                .hasMessageContaining("fingerprint c6b3f8a1e2d4f5a6")
                .hasMessageContaining("namespace 'shop-canary' (label 'namespace')")
                .hasMessageContaining("configured in namespace 'shop' and alertmanager.namespaces does not allow it");
        assertThat(store.latest(10)).isEmpty();
    }

    @Test
    void revertsInTheAlertsNamespaceWhenAlertmanagerNamespacesAllowsIt() {
        scheduler.close();
        start(new AlertmanagerConfig("service", "rollback_action", "revert", "namespace", Set.of("shop-canary")));
        Map<String, String> canary = new LinkedHashMap<>(REVERT_CHECKOUT);
        canary.put("namespace", "shop-canary");
        Map<String, String> eu = new LinkedHashMap<>(REVERT_CHECKOUT);
        eu.put("namespace", "shop-eu");

        webhook.receive(group(Version.V0_34, firing(canary, ENDS_LATER, "c6b3f8a1e2d4f5a6"),
                firing(REVERT_CHECKOUT, ENDS_LATER, "d7c4a9b2f3e5a6b7")));

        assertThat(store.latest(10)).as("the alert in the allowed namespace reverts there; the one in the configured"
                + " namespace (deduplicated into the same request) names none").singleElement()
                .satisfies(r -> assertThat(r.namespace()).isEqualTo("shop-canary"));
        assertThatThrownBy(() -> webhook.receive(group(Version.V0_34, firing(eu, ENDS_LATER, "e8d5b0c3a4f6b7c8"))))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(422))
                .hasMessageContaining("namespace 'shop-eu'");
    }

    @Test
    void aServiceWithoutAConfiguredNamespaceTakesAlertsFromAnyNamespace() {
        Map<String, String> billing = labels("alertname", "BillingDown", "namespace", "payments",
                "rollback_action", "revert", "service", "billing");

        webhook.receive(group(Version.V0_31, firing(billing, ENDS_LATER, "b1")));

        assertThat(store.latest(10)).singleElement().satisfies(r -> assertThat(r.service()).isEqualTo("billing"));
    }

    @Test
    void warnsOnceWhenAlertsNameAKnownServiceButNotTheConfiguredAction() {
        Map<String, String> wrongValue = new LinkedHashMap<>(REVERT_CHECKOUT);
        wrongValue.put("rollback_action", "rollback");
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            webhook.receive(group(Version.V0_32, firing(wrongValue, ENDS_LATER, "c6b3f8a1e2d4f5a6")));
            webhook.receive(group(Version.V0_32, firing(wrongValue, ENDS_LATER, "d7c4a9b2f3e5a6b7")));
        } finally {
            System.setErr(err);
        }

        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged.split("names service 'checkout' but not rollback_action=\"revert\"", -1)).hasSize(2);
        assertThat(logged).contains("its rollback_action is 'rollback'");
        assertThat(alerts("ignored")).isEqualTo(2);
        assertThat(store.latest(10)).isEmpty();
    }

    @Test
    void aBodyInAlertmanagersShapeIsWhatTheParserReads() {
        AlertmanagerPayload payload = AlertmanagerPayload.parse(new com.fasterxml.jackson.databind.ObjectMapper(),
                AlertmanagerBodies.group(Version.V0_34, 2, Map.of("team", "shop"),
                        List.of(firing(REVERT_CHECKOUT, AlertmanagerBodies.NO_END, "c6b3f8a1e2d4f5a6"))));

        assertThat(payload.receiver()).isEqualTo("rollback-agent");
        assertThat(payload.truncatedAlerts()).isEqualTo(2);
        assertThat(payload.groupKey()).isEqualTo("{}/{rollback_action=\"revert\"}:{alertname=\"CheckoutErrorBudgetBurn\"}");
        assertThat(payload.alerts()).singleElement().satisfies(a -> {
            assertThat(a.endsAt()).as("Go's zero time is no end").isNull();
            assertThat(a.startsAt()).isEqualTo(Instant.parse(STARTED));
            assertThat(a.name()).isEqualTo("fingerprint c6b3f8a1e2d4f5a6, alertname CheckoutErrorBudgetBurn");
        });
    }
}
