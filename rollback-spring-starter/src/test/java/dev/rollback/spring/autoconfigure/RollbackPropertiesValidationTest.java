package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.guard.GuardConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Invalid {@code rollback.*} values fail the start-up, and the failure analysis names property and value. */
class RollbackPropertiesValidationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RollbackAutoConfiguration.class));

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "rollback.guard.significance-level|0.7|significanceLevel must be in (0, 0.5]",
            "rollback.guard.minimum-samples|0|minimumSamples must be at least 1",
            "rollback.guard.latency-resolution|-1ms|latencyResolution must be zero or positive",
            "rollback.guard.maximum-latency-quantile|1.5|maximumLatencyQuantile must be in (0, 1)",
            "rollback.features.checkout-v2.error-rate-tolerance|2.0|errorRateTolerance must be in [0, 1)",
            "rollback.features.checkout-v2.flag-error-log-interval|0s|flagErrorLogInterval",
            "rollback.features.checkout-v2.rollout|150|from 0 to 100 percent",
            "rollback.default-rollout|-1|from 0 to 100 percent",
            "rollback.ledger.queue-capacity|0|ledgerQueueCapacity must be at least 1",
            "rollback.heartbeat-interval|0s|heartbeat interval"})
    void failsStartUpNamingThePropertyAndTheValue(String property, String value, String why) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            FailureAnalysis analysis = new RollbackFailureAnalyzers.InvalidProperty().analyze(failure);
            assertThat(analysis).as("analysis of %s", failure).isNotNull();
            assertThat(analysis.getDescription())
                    .contains("'" + property + "'")
                    .contains("'" + value.replace("-1ms", "PT-0.001S").replace("0s", "PT0S") + "'")
                    .contains(why);
            assertThat(analysis.getAction()).contains(property);
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "rollback.guard.significance-level|high",
            "rollback.features.checkout-v2.minimum-samples|many",
            "rollback.guard.latency-resolution|soon"})
    void failsStartUpOnAValueThatDoesNotConvert(String property, String value) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isNotNull();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(property)
                    .hasStackTraceContaining(value);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "rollback.features.checkout-v2.minimum-sampels=10|rollback.features.checkout-v2.minimum-sampels"
                    + "|rollback.features.checkout-v2.minimum-samples",
            "rollback.guard.typo-key=1|rollback.guard.typo-key|",
            "rollback.guard.minimumSampels=5|rollback.guard.minimumSampels|rollback.guard.minimum-samples",
            "rollback.ledger.flush-timout=5s|rollback.ledger.flush-timout|rollback.ledger.flush-timeout",
            "rollback.default-rolout=5|rollback.default-rolout|rollback.default-rollout"})
    void failsStartUpOnAnUnknownKeyNamingItAndTheClosestKnownKey(String setting, String key, String closest) {
        runner.withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new RollbackFailureAnalyzers.InvalidProperty()
                    .analyze(context.getStartupFailure());
            assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
            assertThat(analysis.getDescription()).contains("'" + key + "'").contains("no such property");
            if (closest != null) {
                assertThat(analysis.getDescription()).contains("did you mean '" + closest + "'?");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rollback.default-rollout=-5", "rollback.features.x.rollout=150",
            "rollback.features.x.significance-level=0.9"})
    void failsStartUpOnAnOutOfRangeValueEvenWithTheApplicationsOwnFlagSourceAndGuardConfig(String setting) {
        runner.withBean(FlagSource.class, InMemoryFlagSource::new)
                .withBean(GuardConfig.class, GuardConfig::ofDefaults)
                .withPropertyValues(setting).run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new RollbackFailureAnalyzers.InvalidProperty()
                            .analyze(context.getStartupFailure());
                    assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
                    assertThat(analysis.getDescription())
                            .contains("'" + setting.substring(0, setting.indexOf('=')) + "'");
                });
    }

    @Test
    void startsWithEveryKnownKindOfKeyInAnyRelaxedForm() {
        runner.withBean("checkout", FeatureStartupCheckTest.KeyedPricing.class)
                .withBean("search", FeatureStartupCheckTest.KeyedSearch.class)
                .withPropertyValues("rollback.features.pricing-v2.minimum-samples=10",
                        "rollback.features.pricing-v2.minimumSamples=10", "rollback.features.search-v2.rollout=50",
                        "rollback.guard.significance-level=0.05", "rollback.ledger.flush-timeout=5s",
                        "rollback.unleash.kill-switch.max-attempts=3", "rollback.liquibase.lint=warn",
                        "rollback.service.instance-id=checkout-1")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
