package dev.rollback.examples.checkout.observability;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL reading for the observability tests: which metrics an expression selects, and
 * which labels its selectors match on. Grouping clauses ({@code by (...)}), ranges ({@code [5m]}),
 * strings, function names, keywords and Grafana variables are not metrics; in Grafana's
 * {@code label_values(selector, label)} only the selector is.
 */
final class PromQl {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

    private PromQl() {
    }

    /**
     * Returns the label of a Grafana {@code label_values(selector, label)} query.
     *
     * @param query a Grafana template variable query
     * @return the label, or {@code null} if the query is not a {@code label_values} with a selector
     */
    static String labelValuesLabel(String query) {
        Matcher m = LABEL_VALUES.matcher(query.strip());
        return m.matches() ? m.group(2) : null;
    }

    /**
     * Returns the metrics the expression selects, each with the label names its selectors match on.
     *
     * @param expression a PromQL expression (Grafana variables allowed)
     * @return metric name to label names, in order of appearance
     */
    static Map<String, Set<String>> selectors(String expression) {
        Map<String, Set<String>> metrics = new LinkedHashMap<>();
        Matcher labelValues = LABEL_VALUES.matcher(expression.strip());
        String rest = labelValues.matches() ? labelValues.group(1) : expression;
        rest = GROUPING.matcher(rest).replaceAll(" ");
        Matcher selector = SELECTOR.matcher(rest);
        while (selector.find()) {
            Set<String> labels = metrics.computeIfAbsent(selector.group(1), m -> new LinkedHashSet<>());
            Matcher matcher = MATCHER.matcher(selector.group(2));
            while (matcher.find()) {
                labels.add(matcher.group(1));
            }
        }
        rest = rest.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ").replaceAll("\"[^\"]*\"", " ");
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String name = identifier.group(1);
            boolean function = identifier.group(2) != null;
            if (!function && !KEYWORDS.contains(name) && !name.matches("\\d.*")) {
                metrics.computeIfAbsent(name, m -> new LinkedHashSet<>());
            }
        }
        return metrics;
    }
}
