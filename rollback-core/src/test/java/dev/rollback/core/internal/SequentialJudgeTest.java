package dev.rollback.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.judge.Criterion;
import dev.rollback.core.judge.Evidence;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SequentialJudgeTest {

    @Test
    void computesTheNormalDistributionFunction() {
        assertThat(SequentialJudge.normalCdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(SequentialJudge.normalCdf(1.959964)).isCloseTo(0.975, within(1e-6));
        assertThat(SequentialJudge.normalCdf(-3)).isCloseTo(0.0013499, within(1e-6));
    }

    @Test
    void waitsForTheMinimumSamplesOnBothPaths() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.custom().minimumSamples(30).build());
        Evidence evidence = null;
        for (int i = 0; i < 29 && evidence == null; i++) {
            evidence = judge.recordOld(false, 1_000_000);
            evidence = evidence != null ? evidence : judge.recordNew(true, 1_000_000);
        }

        assertThat(evidence).isNull();
        assertThat(judge.logEvidence(Criterion.ERROR_RATE)).isZero();
    }

    @Test
    void decidesOnTheMaximumLatencyWhenMostCallsAreSlowerThanTheLimit() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.custom()
                .maximumLatency(Duration.ofMillis(100), 0.99).build());
        Evidence evidence = null;
        for (int i = 0; i < 1_000 && evidence == null; i++) {
            evidence = judge.recordNew(false, Duration.ofMillis(i % 10 == 0 ? 150 : 50).toNanos());
        }

        assertThat(evidence).isNotNull();
        assertThat(evidence.criterion()).isEqualTo(Criterion.MAXIMUM_LATENCY);
        assertThat(evidence.newEstimate()).isCloseTo(0.1, within(0.05));
        assertThat(evidence.summary()).contains("slower than the maximum latency, allowed 1.00%");
    }

    @Test
    void forgetsEverySampleOnReset() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.ofDefaults());
        for (int i = 0; i < 100; i++) {
            judge.recordOld(false, 1_000_000);
        }

        judge.reset();

        assertThat(judge.oldSamples()).isZero();
        assertThat(judge.newSamples()).isZero();
    }
}
