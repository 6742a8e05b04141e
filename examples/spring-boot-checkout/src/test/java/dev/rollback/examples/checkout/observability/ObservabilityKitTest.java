package dev.rollback.examples.checkout.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.examples.checkout.CheckoutApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The observability kit in {@code observability/} against what the library really registers: the
 * example service is driven over HTTP until its feature is rolled back (so every meter exists, the
 * rollback counter included), {@code /actuator/prometheus} is scraped, and every metric the Grafana
 * dashboard and the Prometheus alert rules query must be in the scrape, with the labels they match on.
 */
@SpringBootTest(classes = CheckoutApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"checkout.demo.admin-enabled=true",
                "spring.datasource.url=jdbc:h2:mem:checkout-observability;DB_CLOSE_DELAY=-1"})
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityKitTest {

    /** The kit, from this module's directory (where Surefire runs the tests). */
    private static final Path KIT = Path.of("..", "..", "observability");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+\\S+",
            Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    /** Metric name in the scrape to the label names seen on it. */
    private final Map<String, Set<String>> scraped = new HashMap<>();
    private String scrape;

    @BeforeAll
    void rollBackAFeatureAndScrape() throws Exception {
        send("PUT", "/demo/rollout", "{\"percent\":50}");
        send("PUT", "/demo/fault", "{\"kind\":\"errors\",\"errorRate\":1.0,\"addedLatencyMs\":0}");
        for (int i = 0; i < 400; i++) {
            send("POST", "/orders", "{\"userId\":\"user-" + i + "\",\"customerName\":\"Alan Turing\",\"sku\":\"BOOK-1\","
                    + "\"quantity\":1}");
        }
        scrape = send("GET", "/actuator/prometheus", null);
        Matcher sample = SAMPLE.matcher(scrape);
        while (sample.find()) {
            Set<String> labels = scraped.computeIfAbsent(sample.group(1), m -> new LinkedHashSet<>());
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
    }

    @Test
    void theScrapeShowsTheRollback() {
        assertThat(scrape).containsPattern("(?m)^rollback_state\\{application=\"checkout\",feature=\"checkout-v2\"} 2(\\.0)?$");
        assertThat(scrape).containsPattern("(?m)^rollback_health\\{application=\"checkout\"} 1(\\.0)?$");
    }

    @Test
    void everyMetricTheDashboardQueriesIsRegisteredWithTheLabelsItMatchesOn() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(KIT.resolve("grafana/rollback-dashboard.json")));
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asString());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asString().equals("query")) {
                queries.add(variable.path("query").path("query").asString());
            }
        }
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            queries.add(annotation.path("expr").asString());
        }

        assertThat(queries).as("queries in the dashboard").hasSizeGreaterThan(15).doesNotContain("");
        Map<String, Set<String>> queried = new LinkedHashMap<>();
        for (String query : queries) {
            PromQl.selectors(query).forEach((metric, labels) ->
                    queried.computeIfAbsent(metric, m -> new LinkedHashSet<>()).addAll(labels));
            String label = PromQl.labelValuesLabel(query);
            if (label != null) {
                PromQl.selectors(query).keySet().forEach(metric -> queried.get(metric).add(label));
            }
        }
        assertThat(queried.keySet()).as("metrics the dashboard queries").contains("rollback_calls_seconds_count",
                "rollback_state", "rollback_rollbacks_total", "rollback_judge_evidence", "rollback_judge_threshold",
                "rollback_health");
        assertRegistered(queried);
    }

    @Test
    void everyMetricTheAlertRulesQueryIsRegisteredAndTheRevertAlertCarriesTheAgentsLabels() throws IOException {
        Map<String, Object> file = new Yaml().load(Files.readString(KIT.resolve("prometheus/rollback-alerts.yml")));
        Map<String, Set<String>> queried = new LinkedHashMap<>();
        Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
        for (Map<String, Object> group : list(file.get("groups"))) {
            for (Map<String, Object> rule : list(group.get("rules"))) {
                rules.put((String) rule.get("alert"), rule);
                PromQl.selectors((String) rule.get("expr")).forEach((metric, labels) ->
                        queried.computeIfAbsent(metric, m -> new LinkedHashSet<>()).addAll(labels));
            }
        }

        assertRegistered(queried);
        Map<String, Object> revert = rules.get("RollbackInstanceRevertRequested");
        assertThat((String) revert.get("expr")).contains("rollback_health").endsWith("== 2");
        assertThat(labels(revert)).containsEntry("rollback_action", "revert")
                .containsEntry("service", "{{ $labels.application }}");
        assertThat(scraped.get("rollback_health")).as("rollback_health's labels, where the service name comes from")
                .contains("application");
        assertThat(labels(rules.get("RollbackFeatureRolledBack"))).containsEntry("rollback_action", "none");
    }

    private void assertRegistered(Map<String, Set<String>> queried) {
        queried.forEach((metric, labels) -> {
            assertThat(scraped).as("metric %s in /actuator/prometheus", metric).containsKey(metric);
            assertThat(scraped.get(metric)).as("labels of %s", metric).containsAll(labels);
        });
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object yaml) {
        return (List<Map<String, Object>>) yaml;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> labels(Map<String, Object> rule) {
        return (Map<String, Object>) rule.get("labels");
    }

    private String send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isBetween(200, 299);
        return response.body();
    }
}
