package dev.rollback.examples.checkout.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.testing.RequiredServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The observability kit through Prometheus' own tool, {@code promtool} (Debian's {@code prometheus}
 * package; {@code .ci/install-prometheus.sh}): the rules load ({@code check rules}), every rule has
 * unit tests that pass ({@code test rules}), and the Grafana dashboard is what Grafana's file
 * provisioning loads (a datasource variable rather than an import-time {@code ${DS_...}} input,
 * which provisioning never resolves) with every panel's PromQL parsed by promtool.
 */
class ObservabilityPromtoolTest {

    private static final Path KIT = Path.of("..", "..", "observability");
    private static final Path RULES = KIT.resolve("prometheus/rollback-alerts.yml");
    private static final Path RULE_TESTS = KIT.resolve("prometheus/rollback-alerts.test.yml");
    private static final Path DASHBOARD = KIT.resolve("grafana/rollback-dashboard.json");
    /** The oldest dashboard schema this file is written for: Grafana 10's. */
    private static final int MIN_SCHEMA_VERSION = 38;
    /** Grafana's built-in variables, and a value that makes the expression valid PromQL in their place. */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of("$__rate_interval", "1m",
            "$__interval", "1m", "$__range", "1h");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");

    @TempDir
    Path dir;

    @BeforeEach
    void promtool() {
        RequiredServer.assumeReachable("promtool", "sudo .ci/install-prometheus.sh", () -> {
            if (promtool("--version").exitCode() != 0) {
                throw new IllegalStateException("promtool --version failed");
            }
        });
    }

    private record Result(int exitCode, String output) {
    }

    private static Result promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool " + args[0] + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), output);
    }

    @Test
    void theRulesLoad() throws Exception {
        Result check = promtool("check", "rules", RULES.toString());

        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 3 rules found");
    }

    @Test
    void everyRuleHasUnitTestsAndTheyPass() throws Exception {
        Set<String> alerts = new HashSet<>();
        Map<String, Object> rules = new Yaml().load(Files.readString(RULES));
        for (Map<String, Object> group : list(rules.get("groups"))) {
            list(group.get("rules")).forEach(rule -> alerts.add((String) rule.get("alert")));
        }
        Set<String> tested = new HashSet<>();
        Map<String, Object> tests = new Yaml().load(Files.readString(RULE_TESTS));
        for (Map<String, Object> test : list(tests.get("tests"))) {
            for (Map<String, Object> alertTest : list(test.get("alert_rule_test"))) {
                if (!list(alertTest.get("exp_alerts")).isEmpty()) {
                    tested.add((String) alertTest.get("alertname"));
                }
            }
        }

        Result run = promtool("test", "rules", RULE_TESTS.toString());

        assertThat(tested).as("rules with a unit test in which they fire").containsExactlyInAnyOrderElementsOf(alerts);
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS");
    }

    @Test
    void theDashboardIsWhatGrafanaProvisioningLoads() throws IOException {
        String text = Files.readString(DASHBOARD);
        JsonNode dashboard = JsonMapper.builder().build().readTree(text);

        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(MIN_SCHEMA_VERSION);
        assertThat(dashboard.path("uid").asString()).matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(dashboard.has("__inputs")).as("import-time inputs, which provisioning does not resolve").isFalse();
        assertThat(text).doesNotContain("${DS_");
        List<JsonNode> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(variables::add);
        assertThat(variables).as("a datasource variable for Prometheus").anySatisfy(v -> {
            assertThat(v.path("name").asString()).isEqualTo("datasource");
            assertThat(v.path("type").asString()).isEqualTo("datasource");
            assertThat(v.path("query").asString()).isEqualTo("prometheus");
        });
        Set<String> declared = new HashSet<>(GRAFANA_VARIABLES.keySet().stream().map(v -> v.substring(1)).toList());
        variables.forEach(v -> declared.add(v.path("name").asString()));
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asString();
            assertThat(ids.add(panel.path("id").asInt())).as("panel id of '%s' is unique", title).isTrue();
            assertThat(panel.path("gridPos").path("w").asInt()).as("width of '%s'", title).isBetween(1, 24);
            if (panel.path("type").asString().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asString()).as("datasource of '%s'", title)
                    .isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as("queries of '%s'", title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("refId").asString()).as("refId in '%s'", title).isNotEmpty();
                assertThat(target.path("datasource").isMissingNode()
                        || target.path("datasource").path("uid").asString().equals("${datasource}"))
                        .as("datasource of a query in '%s'", title).isTrue();
                Matcher variable = VARIABLE.matcher(target.path("expr").asString());
                while (variable.find()) {
                    assertThat(declared).as("variable %s in '%s'", variable.group(), title).contains(variable.group(1));
                }
            }
        }
    }

    @Test
    void everyPanelQueryIsPromQlThatPromtoolParses() throws Exception {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asString() + " / " + target.path("refId").asString(),
                        concrete(target.path("expr").asString()));
            }
        }
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            if (annotation.has("expr")) {
                queries.put("annotation " + annotation.path("name").asString(), concrete(annotation.path("expr").asString()));
            }
        }
        // promtool parses PromQL where rules hold it: one recording rule per query.
        StringBuilder file = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (Map.Entry<String, String> query : queries.entrySet()) {
            file.append("      # ").append(query.getKey()).append('\n')
                    .append("      - record: dashboard:query_").append(n++).append('\n')
                    .append("        expr: '").append(query.getValue().replace("'", "''")).append("'\n");
        }
        Path rules = Files.writeString(dir.resolve("dashboard-queries.yml"), file);

        Result check = promtool("check", "rules", rules.toString());

        assertThat(queries).hasSizeGreaterThan(15);
        assertThat(check.exitCode()).as("%s%n%s", check.output(), file).isZero();
        assertThat(check.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }

    /** Replaces Grafana's variables by values, as Grafana does before it sends the query. */
    private static String concrete(String expr) {
        String out = expr;
        for (Map.Entry<String, String> v : GRAFANA_VARIABLES.entrySet()) {
            out = out.replace(v.getKey(), v.getValue());
        }
        return VARIABLE.matcher(out).replaceAll("checkout");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object yaml) {
        return yaml == null ? List.of() : (List<Map<String, Object>>) yaml;
    }
}
