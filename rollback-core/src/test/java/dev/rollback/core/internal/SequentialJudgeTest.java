package dev.rollback.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.judge.Criterion;
import dev.rollback.core.judge.Evidence;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SequentialJudgeTest {

    private static final long MS = 1_000_000;
    private static final long GAP = SequentialJudge.PAIR_GAP_SECONDS * 1_000 * MS;

    @Test
    void computesTheNormalDistributionFunction() {
        assertThat(SequentialJudge.normalCdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(SequentialJudge.normalCdf(1.959964)).isCloseTo(0.975, within(1e-6));
        assertThat(SequentialJudge.normalCdf(-3)).isCloseTo(0.0013499, within(1e-6));
    }

    @Test
    void pairsOnlySamplesThatRanInTheSamePeriod() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.ofDefaults());
        long now = 0;
        judge.recordNew(false, MS, now);
        judge.recordOld(false, MS, now += GAP + 1);
        judge.recordNew(false, MS, now += GAP + 1);

        assertThat(judge.pairs()).isZero();

        judge.recordOld(false, MS, now + 1);

        assertThat(judge.pairs()).isEqualTo(1);
    }

    @Test
    void rollsBackANewPathThatFailsWhereTheOldOneSucceedsWithinTenPairs() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.ofDefaults());
        Evidence evidence = null;
        int pairs = 0;
        while (evidence == null && pairs < 100) {
            evidence = judge.recordOld(false, MS, pairs * 2L * MS);
            evidence = evidence != null ? evidence : judge.recordNew(true, MS, (pairs * 2L + 1) * MS);
            pairs++;
        }

        assertThat(pairs).isLessThanOrEqualTo(10);
        assertThat(evidence.criterion()).isEqualTo(Criterion.ERROR_RATE);
        assertThat(evidence.concurrent()).isTrue();
        assertThat(evidence.newEstimate()).isEqualTo(1.0);
        assertThat(evidence.oldEstimate()).isZero();
    }

    @Test
    void seesNoRegressionWhenBothPathsFailAlikeWhateverTheSharedRateDoes() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.ofDefaults());
        // Alternating which path fails in each burst of discordant pairs: a fair coin, whatever the rate.
        for (int i = 0; i < 10_000; i++) {
            boolean burst = i % 1_000 < 100;
            boolean newFails = burst && i % 2 == 0;
            boolean oldFails = burst && i % 2 == 1;
            assertThat(judge.recordOld(oldFails, MS, i * 2L * MS)).isNull();
            assertThat(judge.recordNew(newFails, MS, (i * 2L + 1) * MS)).isNull();
        }

        assertThat(judge.logEvidence(Criterion.ERROR_RATE)).isLessThan(judge.logThreshold());
    }

    @Test
    void predictsTheNewCallFailedFromTheRatesSoFarWithinItsBounds() {
        assertThat(SequentialJudge.predictNewFailed(1_000, 1, 10, 0.01, 1)).isEqualTo(0.5);
        assertThat(SequentialJudge.predictNewFailed(10, 10, 0, 0.01, 1)).isEqualTo(SequentialJudge.MAX_Q);
        assertThat(SequentialJudge.predictNewFailed(100, 0, 10, 0.01, 1)).isEqualTo(0.5);
        assertThat(SequentialJudge.predictNewFailed(100, 5, 1, 0.001, 1_000))
                .isGreaterThan(SequentialJudge.predictNewFailed(100, 5, 1, 0.01, 1));
    }

    @Test
    void waitsForTheMinimumPairsBeforeComparingLatency() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.custom().minimumSamples(30).build());
        Evidence evidence = null;
        for (int i = 0; i < 29 && evidence == null; i++) {
            evidence = judge.recordOld(false, MS, i * 20L * MS);
            evidence = evidence != null ? evidence : judge.recordNew(false, 10 * MS, (i * 20L + 10) * MS);
        }

        assertThat(evidence).isNull();
        assertThat(judge.logEvidence(Criterion.LATENCY)).isZero();
    }

    @Test
    void comparesWithTheBaselineAndSaysSoWhenTheOldPathStopsRunning() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.ofDefaults());
        long now = 0;
        for (int i = 0; i < 1_000; i++) {
            judge.recordOld(i % 100 == 0, 20 * MS, now += 20 * MS);
        }
        Evidence evidence = null;
        for (int i = 0; i < 2_000 && evidence == null; i++) {
            evidence = judge.recordNew(i % 4 == 0, 20 * MS, now += GAP);
        }

        assertThat(judge.concurrentControl()).isFalse();
        assertThat(evidence).isNotNull();
        assertThat(evidence.concurrent()).isFalse();
        assertThat(evidence.oldSamples()).isEqualTo(1_000);
        assertThat(evidence.summary()).endsWith(Evidence.NO_CONCURRENT_CONTROL);
    }

    @Test
    void decidesOnTheMaximumErrorRateWithoutAnyControlWithinTwentyCalls() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.custom().maximumErrorRate(0.5).build());
        Evidence evidence = null;
        int calls = 0;
        while (evidence == null && calls < 100) {
            evidence = judge.recordNew(true, MS, calls++ * MS);
        }

        assertThat(calls).isLessThanOrEqualTo(20);
        assertThat(evidence.criterion()).isEqualTo(Criterion.MAXIMUM_ERROR_RATE);
        assertThat(evidence.newEstimate()).isEqualTo(1.0);
    }

    @Test
    void staysBelowTheMaximumErrorRateWhenTheNewPathFailsAtTheLimit() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.custom().maximumErrorRate(0.5).build());
        for (int i = 0; i < 10_000; i++) {
            assertThat(judge.recordNew(i % 2 == 0, MS, i * MS)).isNull();
        }
    }

    @Test
    void decidesOnTheMaximumLatencyWhenMostCallsAreSlowerThanTheLimit() {
        SequentialJudge judge = new SequentialJudge(GuardConfig.custom()
                .maximumLatency(Duration.ofMillis(100), 0.99).build());
        Evidence evidence = null;
        for (int i = 0; i < 1_000 && evidence == null; i++) {
            evidence = judge.recordNew(false, Duration.ofMillis(i % 10 == 0 ? 150 : 50).toNanos(), i * 100 * MS);
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
            judge.recordOld(false, MS, i * MS);
            judge.recordNew(false, MS, i * MS);
        }

        judge.reset();

        assertThat(judge.oldSamples()).isZero();
        assertThat(judge.newSamples()).isZero();
        assertThat(judge.pairs()).isZero();
    }
}
