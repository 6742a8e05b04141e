package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.spring.FeatureRollouts;
import dev.rollback.spring.RollbackKey;
import dev.rollback.spring.RollbackKeyResolver;
import dev.rollback.spring.Rollbackable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The features are checked once the {@code @Rollbackable} methods are known: settings for a feature
 * no method has are refused, each feature's rollout is logged, and a partial rollout without a key is
 * warned about.
 */
@ExtendWith(OutputCaptureExtension.class)
class FeatureStartupCheckTest {

    private static final String WITHOUT_KEY_WARNING = "Feature 'pricing-v2' has a partial rollout";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RollbackAutoConfiguration.class));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "rollback.features.pricing_v2.rollout=50|rollback.features.pricing_v2|did you mean 'pricing-v2'?",
            "rollback.features.pricng-v2.minimum-samples=50|rollback.features.pricng-v2|did you mean 'pricing-v2'?",
            "rollback.features.search.rollout=50|rollback.features.search|features: [pricing-v2]",
            "rollback.features.pricing-v2.rolout=50|rollback.features.pricing-v2.rolout"
                    + "|did you mean 'rollback.features.pricing-v2.rollout'?",
            "rollback.feature.pricing-v2.rollout=50|rollback.feature.pricing-v2.rollout"
                    + "|did you mean 'rollback.features.pricing-v2.rollout'?"})
    void refusesSettingsThatReachNoFeatureNamingTheClosestName(String setting, String property, String suggestion) {
        runner.withBean("pricing", KeyedPricing.class).withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new RollbackFailureAnalyzers.InvalidProperty()
                    .analyze(context.getStartupFailure());
            assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
            assertThat(analysis.getDescription()).contains("'" + property + "'").contains(suggestion);
        });
    }

    @Test
    void refusesFeatureSettingsWhenThereIsNoRollbackableMethodAtAll() {
        runner.withPropertyValues("rollback.features.pricing-v2.rollout=50").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("there is no @Rollbackable method");
        });
    }

    @Test
    void acceptsSettingsForTheFeatureOfALazyBeanNotCreatedYet() {
        runner.withBean("pricing", KeyedPricing.class, KeyedPricing::new, definition -> definition.setLazyInit(true))
                .withPropertyValues("rollback.features.pricing-v2.rollout=50")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void logsEachFeaturesRolloutAndTheSettingThatDecidesItOnce(CapturedOutput output) {
        runner.withBean("pricing", KeyedPricing.class).withBean("search", KeyedSearch.class)
                .withPropertyValues("rollback.features.pricing-v2.rollout=50").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(FeatureRollouts.class).rollout("pricing-v2").percent()).isEqualTo(50);
                });
        assertThat(output.getAll())
                .containsOnlyOnce("Feature 'pricing-v2': rollout 50% (rollback.features.pricing-v2.rollout)")
                .containsOnlyOnce("Feature 'search-v2': rollout 100% (rollback.default-rollout)");
    }

    @Test
    void warnsOfAPartialRolloutWithoutKeyOrResolver(CapturedOutput output) {
        runner.withBean("pricing", KeylessPricing.class)
                .withPropertyValues("rollback.features.pricing-v2.rollout=50")
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(output.getAll()).contains(WITHOUT_KEY_WARNING + " (50% (rollback.features.pricing-v2.rollout))")
                .contains("Mark the user's or the request's key with @RollbackKey, or declare a RollbackKeyResolver");
    }

    @Test
    void doesNotWarnWhenEveryCallTakesTheSamePath(CapturedOutput output) {
        runner.withBean("pricing", KeylessPricing.class).run(context -> assertThat(context).hasNotFailed());
        runner.withBean("pricing", KeylessPricing.class).withPropertyValues("rollback.default-rollout=0")
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(output.getAll()).contains("Feature 'pricing-v2': rollout 0% (rollback.default-rollout)")
                .doesNotContain(WITHOUT_KEY_WARNING);
    }

    @Test
    void doesNotWarnWithAKeyResolver(CapturedOutput output) {
        runner.withBean("pricing", KeylessPricing.class)
                .withBean(RollbackKeyResolver.class, () -> (feature, method, arguments) -> "user")
                .withPropertyValues("rollback.default-rollout=50")
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(output.getAll()).contains("Feature 'pricing-v2': rollout 50%").doesNotContain(WITHOUT_KEY_WARNING);
    }

    static class KeyedPricing {
        @Rollbackable(value = "pricing-v2", fallbackMethod = "priceV1")
        public String priceV2(@RollbackKey String user) {
            return "v2";
        }

        String priceV1(String user) {
            return "v1";
        }
    }

    static class KeyedSearch {
        @Rollbackable("search-v2")
        public String searchV2(@RollbackKey String user) {
            return "v2";
        }
    }

    static class KeylessPricing {
        @Rollbackable(value = "pricing-v2", fallbackMethod = "priceV1")
        public String priceV2(String user) {
            return "v2";
        }

        String priceV1(String user) {
            return "v1";
        }
    }
}
