package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String SCRAPE = """
            # HELP rollback_calls_seconds Guarded calls by path and outcome
            # TYPE rollback_calls_seconds summary
            rollback_calls_seconds_count{application="checkout",feature="checkout-v2",outcome="failure",path="new"} 12
            rollback_calls_seconds_count{application="checkout",feature="checkout-v2",outcome="success",path="new"} 30.0
            rollback_calls_seconds_count{application="checkout",feature="other",outcome="failure",path="new"} 99
            rollback_health{application="checkout"} 1.0
            odd_label{reason="say \\"hi\\", then, go"} +Inf
            plain_metric 3.5
            """;

    @Test
    void readsNamesLabelsAndValuesAndSkipsComments() {
        List<PrometheusText.Sample> samples = PrometheusText.parse(SCRAPE);

        assertThat(samples).hasSize(6);
        assertThat(samples.get(0).name()).isEqualTo("rollback_calls_seconds_count");
        assertThat(samples.get(0).labels()).containsExactly(Map.entry("application", "checkout"),
                Map.entry("feature", "checkout-v2"), Map.entry("outcome", "failure"), Map.entry("path", "new"));
        assertThat(samples.get(4).labels()).containsEntry("reason", "say \"hi\", then, go");
        assertThat(samples.get(4).value()).isInfinite();
        assertThat(samples.get(5)).isEqualTo(new PrometheusText.Sample("plain_metric", Map.of(), 3.5));
    }

    @Test
    void sumsTheSamplesThatMatchTheirLabels() {
        List<PrometheusText.Sample> samples = PrometheusText.parse(SCRAPE);

        assertThat(PrometheusText.sum(samples, "rollback_calls_seconds_count",
                s -> s.has("feature", "checkout-v2", "path", "new"))).isEqualTo(42.0);
        assertThat(PrometheusText.sum(samples, "rollback_calls_seconds_count",
                s -> s.has("feature", "checkout-v2", "outcome", "fallback"))).isZero();
    }

    @Test
    void refusesALineThatIsNotASample() {
        assertThatIllegalArgumentException().isThrownBy(() -> PrometheusText.parse("broken{a=\"x\" 1"))
                .withMessageContaining("broken");
    }
}
