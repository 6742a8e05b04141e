package dev.rollback.core.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.judge.Simulation.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The judge's statistical behaviour, in virtual time with seeded randomness, default configuration
 * and a 50/50 rollout unless said. Every figure is a count over fixed seeds, so the test repeats
 * exactly; the bounds are the product's promises. Each test prints what it measured:
 * {@code ./mvnw -B -pl rollback-core test -Dtest=JudgeAcceptanceTest}.
 */
class JudgeAcceptanceTest {

    private static final long NOT_ROLLED_BACK = Long.MAX_VALUE;

    @Test
    void rollsBackWhenNewPathErrorRateRisesFromPointOnePercentToFivePercent() {
        long[] calls = new Simulation(Path.errors(0.001), Path.errors(0.05)).callsToVerdict(100, 5_000);
        report("errors 0.1% -> 5%", calls);

        assertThat(calls).doesNotContain(NOT_ROLLED_BACK);
        assertThat(median(calls)).isLessThanOrEqualTo(300);
        assertThat(calls[calls.length - 1]).isLessThanOrEqualTo(1_000);
    }

    @Test
    void rollsBackWhenNewPathErrorRateRisesFromHalfAPercentToTwoPercent() {
        long[] calls = new Simulation(Path.errors(0.005), Path.errors(0.02)).callsToVerdict(100, 5_000);
        report("errors 0.5% -> 2%", calls);

        assertThat(countWithin(calls, 5_000)).isGreaterThanOrEqualTo(95);
    }

    @Test
    void rollsBackWhenNewPathMedianLatencyIsOneAndAHalfTimesTheOld() {
        long[] calls = new Simulation(Path.errors(0), Path.errors(0).slower(1.5)).callsToVerdict(100, 2_000);
        report("latency x1.5", calls);

        assertThat(countWithin(calls, 2_000)).isGreaterThanOrEqualTo(95);
    }

    @Test
    void rarelyRollsBackWhenBothPathsAreTheSame() {
        int runsPerRate = 100;
        int falseRollbacks = 0;
        for (double rate : new double[] {0, 0.001, 0.01, 0.10}) {
            long[] calls = new Simulation(Path.errors(rate), Path.errors(rate)).callsToVerdict(runsPerRate, 50_000);
            falseRollbacks += countWithin(calls, 50_000);
            report("A/A errors " + rate, calls);
        }

        // 400 runs of 50,000 new-path calls each: at most 1% may roll back.
        assertThat(falseRollbacks).isLessThanOrEqualTo(4);
    }

    @Test
    void toleratesANewPathFivePercentSlowerAtTheMedian() {
        long[] calls = new Simulation(Path.errors(0), Path.errors(0).slower(1.05)).callsToVerdict(100, 20_000);
        report("latency x1.05", calls);

        assertThat(countWithin(calls, 20_000)).isLessThanOrEqualTo(5);
    }

    @Test
    void rollsBackANewPathThatThrowsOnEveryCallWithoutTheCallerSeeingAnException() {
        Simulation simulation = new Simulation(Path.errors(0), Path.errors(1));
        long[] calls = new long[20];
        for (int seed = 0; seed < calls.length; seed++) {
            Simulation.Run run = simulation.run(seed, 1_000);
            calls[seed] = run.newCalls();

            assertThat(run.rolledBack()).isTrue();
            assertThat(run.newCalls()).isLessThanOrEqualTo(50);
            assertThat(run.callerExceptions()).isZero();
        }
        Arrays.sort(calls);
        report("errors 0% -> 100%", calls);
    }

    @Test
    void comparesAgainstTheBaselineWhenTheNewPathTakesEveryCall() {
        long[] calls = new Simulation(Path.errors(0.001), Path.errors(0.05))
                .baseline(10_000)
                .rollout(100)
                .callsToVerdict(100, 5_000);
        report("baseline, 100%", calls);

        assertThat(calls).doesNotContain(NOT_ROLLED_BACK);
        assertThat(calls[calls.length - 1]).isLessThanOrEqualTo(1_000);
    }

    @Test
    void rollsBackARegressionThatStartsAfterALongHealthyRollout() {
        long onset = 20_000;
        long[] errors = new Simulation(Path.errors(0.001), Path.errors(0.001))
                .regressionAfter(onset, Path.errors(0.08))
                .callsToVerdict(100, onset + 5_000);
        long[] latency = new Simulation(Path.errors(0), Path.errors(0))
                .regressionAfter(onset, Path.errors(0).slower(2))
                .callsToVerdict(100, onset + 5_000);
        long[] afterErrors = Arrays.stream(errors).map(c -> c == NOT_ROLLED_BACK ? c : c - onset).toArray();
        long[] afterLatency = Arrays.stream(latency).map(c -> c == NOT_ROLLED_BACK ? c : c - onset).toArray();
        report("late errors -> 8%", afterErrors);
        report("late latency x2", afterLatency);

        // A fresh window every 1,000 new-path calls sees the regression undiluted by the healthy past.
        assertThat(afterErrors[0]).as("no rollback before the onset").isPositive();
        assertThat(countWithin(afterErrors, 1_000)).isGreaterThanOrEqualTo(95);
        assertThat(afterLatency[0]).as("no rollback before the onset").isPositive();
        assertThat(countWithin(afterLatency, 1_000)).isGreaterThanOrEqualTo(95);
    }

    @Test
    void rollsBackALateRegressionInAFullRolloutAgainstTheBaseline() {
        long onset = 20_000;
        long[] errors = new Simulation(Path.errors(0.001), Path.errors(0.001))
                .baseline(10_000)
                .rollout(100)
                .regressionAfter(onset, Path.errors(0.08))
                .callsToVerdict(100, onset + 5_000);
        long[] after = Arrays.stream(errors).map(c -> c == NOT_ROLLED_BACK ? c : c - onset).toArray();
        report("late, 100%, -> 8%", after);

        // The window's new-path samples against the old path's baseline: slower than against a
        // concurrent old path, since the baseline's own noise does not shrink.
        assertThat(after[0]).as("no rollback before the onset").isPositive();
        assertThat(countWithin(after, 2_000)).isGreaterThanOrEqualTo(95);
    }

    /** Prints the new-path calls to the verdict over the seeds: how many rolled back, median, 95th, worst. */
    private static void report(String scenario, long[] sorted) {
        int rolledBack = countWithin(sorted, NOT_ROLLED_BACK - 1);
        System.out.printf("judge: %-18s rolled back %3d/%d  median %s  p95 %s  worst %s%n", scenario, rolledBack,
                sorted.length, text(sorted[sorted.length / 2]), text(sorted[(int) Math.ceil(sorted.length * 0.95) - 1]),
                text(sorted[sorted.length - 1]));
    }

    private static String text(long calls) {
        return calls == NOT_ROLLED_BACK ? "-" : Long.toString(calls);
    }

    private static long median(long[] sorted) {
        return sorted[sorted.length / 2];
    }

    private static int countWithin(long[] calls, long limit) {
        return (int) Arrays.stream(calls).filter(c -> c <= limit).count();
    }
}
