package dev.rollback.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.agent.Agent;
import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.DatabaseConfig;
import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.ServerConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.config.ThrottleConfig;
import dev.rollback.agent.execute.RevertExecutor;
import dev.rollback.agent.execute.RevertJob;
import dev.rollback.agent.execute.RevertOutcome;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Trigger;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentHttpServerTest {

    private static final String TOKEN = "s3cret-token-for-tests-0123456789";

    /** Holds every revert until released, so that requests stay visible in the queue. */
    static final class GateExecutor implements RevertExecutor {
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public RevertPlan plan(RevertJob job) {
            return new RevertPlan("2.0.0", "1.9.0", "");
        }

        @Override
        public RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RevertOutcome.succeeded("done");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final GateExecutor gate = new GateExecutor();
    private Agent agent;

    @BeforeEach
    void start() throws Exception {
        ExecutorConfig command = new ExecutorConfig.Command(List.of("true"), "", false, Duration.ofSeconds(5));
        AgentConfig config = AgentConfig.builder(new ServerConfig("127.0.0.1", 0, TOKEN, false,
                        ServerConfig.DEFAULT_MAX_BODY_BYTES))
                .throttle(new ThrottleConfig(1, Duration.ZERO))
                .store(new DatabaseConfig("jdbc:h2:mem:http-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", ""))
                .service(ServiceConfig.of("checkout", 0, command))
                .service(ServiceConfig.of("payments", 1, command))
                .service(ServiceConfig.of("search", 2, command))
                .build();
        agent = Agent.builder(config).ledger(new InMemoryRollbackLedger()).executors(s -> gate).start();
    }

    @AfterEach
    void stop() {
        gate.gate.countDown();
        agent.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> alerts(String body) throws Exception {
        return send("POST", "/alerts", body, TOKEN);
    }

    private List<RevertRequest> requests() {
        return agent.store().latest(100);
    }

    /** An Alertmanager v4 webhook body, as Alertmanager 0.27 sends it. */
    static String payload(String groupStatus, String groupKey, String... alerts) {
        return """
                {"receiver":"rollback-agent","status":"%s","alerts":[%s],
                 "groupLabels":{"alertname":"CheckoutErrorBudgetBurn"},
                 "commonLabels":{"alertname":"CheckoutErrorBudgetBurn","severity":"critical"},
                 "commonAnnotations":{},"externalURL":"http://alertmanager.monitoring:9093",
                 "version":"4","groupKey":"%s","truncatedAlerts":0}
                """.formatted(groupStatus, String.join(",", alerts), groupKey);
    }

    static String alert(String status, String labels, String startsAt, String fingerprint) {
        return """
                {"status":"%s","labels":{%s},
                 "annotations":{"summary":"error budget burning 14x","runbook_url":"https://runbooks/checkout"},
                 "startsAt":"%s","endsAt":"%s",
                 "generatorURL":"http://prometheus.monitoring:9090/graph?g0.expr=...","fingerprint":"%s"}
                """.formatted(status, labels, startsAt,
                "firing".equals(status) ? "0001-01-01T00:00:00Z" : "2026-11-26T10:30:00Z", fingerprint);
    }

    private static final String GROUP = "{}/{rollback_action=\\\"revert\\\"}:{alertname=\\\"CheckoutErrorBudgetBurn\\\"}";
    private static final String REVERT_CHECKOUT =
            "\"alertname\":\"CheckoutErrorBudgetBurn\",\"service\":\"checkout\",\"rollback_action\":\"revert\","
                    + "\"severity\":\"critical\",\"version\":\"2.0.0\"";

    @Test
    void queuesARevertForAFiringAlertThatAsksForOne() throws Exception {
        HttpResponse<String> r = alerts(payload("firing", GROUP,
                alert("firing", REVERT_CHECKOUT, "2026-11-26T10:15:30.123Z", "c6b3f8a1e2d4f5a6")));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"result\":\"queued\"");
        assertThat(requests()).singleElement().satisfies(q -> {
            assertThat(q.service()).isEqualTo("checkout");
            assertThat(q.trigger()).isEqualTo(Trigger.ALERT);
            assertThat(q.fromVersion()).isEqualTo("2.0.0");
            assertThat(q.reason()).contains("CheckoutErrorBudgetBurn").contains("error budget burning 14x");
        });
    }

    @Test
    void aRepeatedGroupQueuesNothingMore() throws Exception {
        String body = payload("firing", GROUP, alert("firing", REVERT_CHECKOUT, "2026-11-26T10:15:30.123Z", "c6b3f8a1"));
        alerts(body);

        HttpResponse<String> again = alerts(body);
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.scheduler().inFlight() == 1);
        gate.gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> requests().get(0).state() == RequestState.SUCCEEDED);
        HttpResponse<String> afterTheRevert = alerts(body);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"result\":\"duplicate\"");
        assertThat(afterTheRevert.body()).contains("\"result\":\"duplicate\"");
        assertThat(requests()).hasSize(1);
    }

    @Test
    void resolvedAlertsAndAlertsNotAskingForARevertQueueNothing() throws Exception {
        HttpResponse<String> resolved = alerts(payload("resolved", GROUP,
                alert("resolved", REVERT_CHECKOUT, "2026-11-26T10:15:30.123Z", "c6b3f8a1")));
        HttpResponse<String> other = alerts(payload("firing", GROUP, alert("firing",
                "\"alertname\":\"HighLatency\",\"service\":\"checkout\"", "2026-11-26T10:15:30Z", "aa11")));

        assertThat(resolved.statusCode()).isEqualTo(200);
        assertThat(resolved.body()).contains("\"resolved\":1");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.body()).contains("\"ignored\":1");
        assertThat(requests()).isEmpty();
    }

    @Test
    void aTruncatedBodyIsRefusedWith400() throws Exception {
        String body = payload("firing", GROUP, alert("firing", REVERT_CHECKOUT, "2026-11-26T10:15:30Z", "c6b3"));

        HttpResponse<String> r = alerts(body.substring(0, body.length() / 2));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not valid JSON");
        assertThat(requests()).isEmpty();
    }

    @Test
    void garbageIsRefusedWith400() throws Exception {
        assertThat(alerts("this is not json").statusCode()).isEqualTo(400);
        assertThat(alerts("[1,2,3]").statusCode()).isEqualTo(400);
        HttpResponse<String> v3 = alerts(payload("firing", GROUP,
                alert("firing", REVERT_CHECKOUT, "2026-11-26T10:15:30Z", "c6b3")).replace("\"4\"", "\"3\""));
        assertThat(v3.statusCode()).isEqualTo(400);
        assertThat(v3.body()).contains("version");
        assertThat(requests()).isEmpty();
    }

    @Test
    void anAlertWithoutLabelsIsRefusedWith400NamingTheField() throws Exception {
        String noLabels = alert("firing", REVERT_CHECKOUT, "2026-11-26T10:15:30Z", "c6b3")
                .replaceFirst("\"labels\":\\{[^}]*},", "");

        HttpResponse<String> r = alerts(payload("firing", GROUP, noLabels));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("alerts[0] (fingerprint c6b3).labels: missing");
        assertThat(requests()).isEmpty();
    }

    @Test
    void aRevertAlertWithoutAServiceLabelIsRefusedWith422() throws Exception {
        HttpResponse<String> r = alerts(payload("firing", GROUP, alert("firing",
                "\"alertname\":\"X\",\"rollback_action\":\"revert\"", "2026-11-26T10:15:30Z", "c6b3")));

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("has no label 'service'");
        assertThat(requests()).isEmpty();
    }

    @Test
    void anUnknownServiceIsRefusedWith422AndNothingOfTheGroupIsQueued() throws Exception {
        HttpResponse<String> r = alerts(payload("firing", GROUP,
                alert("firing", REVERT_CHECKOUT, "2026-11-26T10:15:30Z", "aa01"),
                alert("firing", "\"alertname\":\"X\",\"service\":\"billing\",\"rollback_action\":\"revert\"",
                        "2026-11-26T10:15:30Z", "aa02")));

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("service 'billing'").contains("nothing of this group was queued");
        assertThat(requests()).isEmpty();
    }

    @Test
    void aWrongOrMissingTokenIsRefusedWith401() throws Exception {
        String body = payload("firing", GROUP, alert("firing", REVERT_CHECKOUT, "2026-11-26T10:15:30Z", "c6b3"));

        HttpResponse<String> wrong = send("POST", "/alerts", body, "not-the-token-at-all-0000");
        HttpResponse<String> missing = send("POST", "/alerts", body, null);
        HttpResponse<String> api = send("GET", "/requests", null, null);

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(requests()).isEmpty();
    }

    @Test
    void theApiQueuesListsAndCancelsRequests() throws Exception {
        HttpResponse<String> first = send("POST", "/requests",
                "{\"service\":\"checkout\",\"reason\":\"migration 42 failed\"}", TOKEN);
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.scheduler().inFlight() == 1);
        HttpResponse<String> second = send("POST", "/requests",
                "{\"service\":\"payments\",\"reason\":\"crash loop\",\"toRevision\":3}", TOKEN);
        String secondId = requests().stream().filter(q -> q.service().equals("payments")).findFirst().orElseThrow().id();

        HttpResponse<String> list = send("GET", "/requests", null, TOKEN);
        HttpResponse<String> cancel = send("DELETE", "/requests/" + secondId, null, TOKEN);
        HttpResponse<String> cancelAgain = send("DELETE", "/requests/" + secondId, null, TOKEN);
        String firstId = requests().stream().filter(q -> q.service().equals("checkout")).findFirst().orElseThrow().id();
        HttpResponse<String> cancelRunning = send("DELETE", "/requests/" + firstId, null, TOKEN);
        HttpResponse<String> unknown = send("POST", "/requests", "{\"service\":\"billing\",\"reason\":\"x\"}", TOKEN);
        HttpResponse<String> noReason = send("POST", "/requests", "{\"service\":\"checkout\"}", TOKEN);
        HttpResponse<String> missing = send("DELETE", "/requests/nope", null, TOKEN);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(list.body()).contains("migration 42 failed").contains("crash loop").contains("\"toRevision\":3");
        assertThat(cancel.statusCode()).isEqualTo(200);
        assertThat(cancel.body()).contains("CANCELLED");
        assertThat(cancelAgain.statusCode()).isEqualTo(409);
        assertThat(cancelRunning.statusCode()).isEqualTo(409);
        assertThat(cancelRunning.body()).contains("is RUNNING");
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("reason");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(agent.store().find(secondId).orElseThrow().state()).isEqualTo(RequestState.CANCELLED);
    }

    @Test
    void refusesATooLargeBodyAndAWrongMethod() throws Exception {
        HttpResponse<String> large = alerts("{\"pad\":\"" + "x".repeat(ServerConfig.DEFAULT_MAX_BODY_BYTES) + "\"}");
        HttpResponse<String> get = send("GET", "/alerts", null, TOKEN);
        HttpResponse<String> nowhere = send("GET", "/nowhere", null, TOKEN);

        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(requests()).isEmpty();
    }

    @Test
    void healthIsOpenAndMetricsNeedTheToken() throws Exception {
        send("POST", "/requests", "{\"service\":\"checkout\",\"reason\":\"r\"}", TOKEN);

        HttpResponse<String> health = send("GET", "/health", null, null);
        HttpResponse<String> metrics = send("GET", "/metrics", null, TOKEN);
        HttpResponse<String> metricsWithoutToken = send("GET", "/metrics", null, null);

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("rollback_agent_requests_total{result=\"queued\",trigger=\"manual\"} 1.0")
                .contains("rollback_agent_reverts_in_flight").contains("jvm_memory_used_bytes");
        assertThat(metricsWithoutToken.statusCode()).isEqualTo(401);
    }
}
