package dev.rollback.examples.checkout.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void findsTheMetricsAndTheLabelsTheirSelectorsMatchOn() {
        Map<String, Set<String>> metrics = PromQl.selectors("sum by (feature, path) (rate(rollback_calls_seconds_sum"
                + "{application=~\"$application\", outcome=\"success\"}[$__rate_interval])) / sum by (feature)"
                + " (rate(rollback_calls_seconds_count[5m]))");

        assertThat(metrics).containsOnlyKeys("rollback_calls_seconds_sum", "rollback_calls_seconds_count");
        assertThat(metrics.get("rollback_calls_seconds_sum")).containsExactly("application", "outcome");
        assertThat(metrics.get("rollback_calls_seconds_count")).isEmpty();
    }

    @Test
    void aBareMetricComparedWithANumberIsFoundAndKeywordsAreNot() {
        assertThat(PromQl.selectors("max by (application, instance) (rollback_health) == 2 and on (application) up"))
                .containsOnlyKeys("rollback_health", "up");
    }

    @Test
    void inAGrafanaLabelValuesQueryOnlyTheSelectorIsAMetric() {
        String query = "label_values(rollback_state{application=~\"$application\"}, feature)";

        assertThat(PromQl.selectors(query)).containsOnlyKeys("rollback_state");
        assertThat(PromQl.labelValuesLabel(query)).isEqualTo("feature");
        assertThat(PromQl.labelValuesLabel("rollback_state")).isNull();
    }
}
