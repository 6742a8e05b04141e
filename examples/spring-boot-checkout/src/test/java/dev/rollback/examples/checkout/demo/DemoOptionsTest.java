package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    private static final Path REPORT = Path.of("target", "test-report");

    @Test
    void noArgumentsGiveTheDocumentedDefaults() {
        DemoOptions o = DemoOptions.parse(REPORT);

        assertThat(o.regression()).isEqualTo(Regression.ERRORS);
        assertThat(o.rate()).isEqualTo(DemoOptions.DEFAULT_RATE);
        assertThat(o.durationSeconds()).isEqualTo(DemoOptions.DEFAULT_DURATION_SECONDS);
        assertThat(o.onsetSeconds()).isEqualTo(DemoOptions.DEFAULT_ONSET_SECONDS);
        assertThat(o.port()).isZero();
        assertThat(o.flags()).isEqualTo(FlagMode.MEMORY);
        assertThat(o.reportDirectory()).isEqualTo(REPORT);
        assertThat(o.scenario()).isEqualTo(Scenario.CHECKOUT);
    }

    @Test
    void readsEveryOption() {
        DemoOptions o = DemoOptions.parse(REPORT, "--regression=LATENCY", "--added-latency=25", "--rate=80",
                "--duration=30", "--rollout-at=2", "--onset=12", "--rollout=30", "--users=500", "--threads=4",
                "--port=18080", "--flags=unleash", "--seed=7", "--error-rate=0.25", "--report=out", "--scenario=instance", "--instances=3");

        assertThat(o).isEqualTo(new DemoOptions(Regression.LATENCY, 0.25, 25, 80, 30, 2, 12, 30, 500, 4, 18080,
                FlagMode.UNLEASH, 7, Path.of("out"), Scenario.INSTANCE, 3));
        assertThat(o.describeRegression()).isEqualTo("latency: +25 ms on every new-path call");
    }

    @Test
    void anUnknownRegressionKindIsNamedWithTheChoices() {
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--regression=slowness"))
                .withMessage("option --regression=slowness: unknown regression kind 'slowness',"
                        + " expected one of errors|latency");
    }

    @Test
    void negativeRatesAreRefusedWithTheValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--rate=-5"))
                .withMessage("option --rate=-5 must be between 1 and 1000");
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--error-rate=-0.1"))
                .withMessage("option --error-rate=-0.1 must be above 0 and at most 1");
    }

    @Test
    void oneInstanceByDefaultAndAFleetOfAtMostEight() {
        assertThat(DemoOptions.parse(REPORT).instances()).isEqualTo(1);
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--instances=0"))
                .withMessage("option --instances=0 must be between 1 and 8");
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--instances=9"))
                .withMessage("option --instances=9 must be between 1 and 8");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DemoOptions.parse(REPORT, "--flags=openfeature", "--instances=2"))
                .withMessage("option --instances=2 must be 1 with --flags=openfeature");
    }

    @Test
    void theOnsetMustComeAfterTheRolloutAndBeforeTheEnd() {
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--onset=50"))
                .withMessageContaining("--onset=50 must be after --rollout-at=4 and before --duration=40");
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--rollout-at=20", "--onset=10"))
                .withMessageContaining("--onset=10 must be after --rollout-at=20");
    }

    @Test
    void unknownOptionsMissingValuesAndNonNumbersAreNamed() {
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--speed=3"))
                .withMessageContaining("unknown option '--speed=3'");
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--rate"))
                .withMessage("option --rate needs a value, written --rate=N");
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--rate=fast"))
                .withMessage("option --rate=fast is not a whole number");
        assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse(REPORT, "--port=70000"))
                .withMessage("option --port=70000 must be between 0 and 65535");
    }
}
