package dev.rollback.core.judge;

import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.judge.Simulation.Path;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The judge lab: a catalogue of traffic models run against the real guard in virtual time with
 * seeded randomness, and the scorecard they produce (false rollbacks per A/A model; calls to the
 * verdict per regression model). {@link JudgeAcceptanceTest} asserts the product's bounds on fewer
 * seeds; {@link JudgeScorecardTest} prints the full table for {@code BENCHMARKS.md}.
 */
final class JudgeLab {

    /** Calls (both paths) in one A/A run, unless the model says otherwise. */
    static final long AA_CALLS = 100_000;
    /** Virtual seconds an A/A run of back-to-back calls lasts, about: 100,000 calls of ~22.7 ms. */
    static final double AA_SECONDS = 2_270;
    /** Calls of the old path before the rollout, where a model has a baseline. */
    static final int BASELINE = 10_000;
    static final long NOT_ROLLED_BACK = Long.MAX_VALUE;

    private JudgeLab() {
    }

    /** An A/A model: both paths alike; any rollback is false. */
    record AaModel(String name, Simulation simulation, long calls, double seconds) {
        /** Runs the seeds {@code 0..runs-1} and returns how many rolled back. */
        int falseRollbacks(int runs) {
            int count = 0;
            for (int seed = 0; seed < runs; seed++) {
                if (simulation.run(seed, Long.MAX_VALUE, calls, seconds).rolledBack()) {
                    count++;
                }
            }
            return count;
        }
    }

    /** A regression model: runs until rolled back or {@code maxNewCalls} new-path calls. */
    record RegressionModel(String name, Simulation simulation, long maxNewCalls) {
        /** New-path calls to the verdict (after the onset, if the model has one), sorted. */
        long[] callsToVerdict(int runs) {
            return simulation.callsToVerdict(runs, maxNewCalls);
        }
    }

    /** The A/A catalogue; {@code baseline} adds a 10,000-call pre-rollout baseline to every model. */
    static List<AaModel> aaModels(boolean baseline) {
        List<AaDraft> models = new ArrayList<>();
        for (double rate : new double[] {0, 0.001, 0.01, 0.10}) {
            models.add(aa("errors " + percent(rate) + "%", Path.errors(rate)));
        }
        models.add(aa("Pareto latency a=1.5", Path.pareto(1.5)));
        Path path = Path.errors(0.002);
        models.add(aa("latency step x2", path).world(Worlds.latencyStep(2, 0.1 * AA_SECONDS, 0.9 * AA_SECONDS)));
        models.add(aa("latency drift x2", path).world(Worlds.drift(AA_SECONDS)));
        models.add(aa("diurnal 10x", path).world(Worlds.diurnal(1_200, 20)));
        models.add(aa("bursts 30%, 5 s", path).world(Worlds.errorBursts(0.30, 5, 300)));
        models.add(aa("bursts 30%, 120 s", path).world(Worlds.errorBursts(0.30, 120, 600)));
        models.add(aa("bursts 70%, 60 s (breaker)", path).world(Worlds.errorBursts(0.70, 60, 600)));
        models.add(aa("share 5->25->50%", path).rolloutSteps(5, 25, 50));
        models.add(aa("low traffic, 2 days", path).world(Worlds.lowTraffic(10)).seconds(2 * 86_400));
        models.add(aa("100%, holdback 5%, step x2", path).rollout(100)
                .config(GuardConfig.custom().holdback(5).build())
                .world(Worlds.latencyStep(2, 0.1 * AA_SECONDS, 0.9 * AA_SECONDS)));
        return models.stream().map(model -> model.build(baseline)).toList();
    }

    /** The regression catalogue, in the order of the bounds. */
    static List<RegressionModel> regressionModels() {
        List<RegressionModel> models = new ArrayList<>();
        models.add(new RegressionModel("errors 0.1% -> 5%", regression(0.001, Path.errors(0.05)), 5_000));
        models.add(new RegressionModel("errors 0.1% -> 5%, baseline",
                regression(0.001, Path.errors(0.05)).baseline(BASELINE), 5_000));
        models.add(new RegressionModel("errors 0.5% -> 2%", regression(0.005, Path.errors(0.02)), 10_000));
        models.add(new RegressionModel("latency x1.5", regression(0, Path.errors(0).slower(1.5)), 5_000));
        models.add(new RegressionModel("tail: 10% +200 ms", regression(0, Path.errors(0).tail(0.1, 200)), 20_000));
        models.add(new RegressionModel("late: errors -> 8% after 20,000",
                new Simulation(Path.errors(0.001), Path.errors(0.001)).regressionAfter(20_000, Path.errors(0.08)),
                25_000));
        models.add(new RegressionModel("always throws", regression(0, Path.errors(1)), 1_000));
        models.add(new RegressionModel("5% slower (tolerated)", regression(0, Path.errors(0).slower(1.05)),
                20_000));
        models.add(new RegressionModel("errors 5% with step x2",
                new Simulation(Path.errors(0.001), Path.errors(0.001))
                        .world(Worlds.latencyStep(2, 60, 600))
                        .regressionWithTheWorldChange(Path.errors(0.05).slower(2)), 20_000));
        return models;
    }

    private static Simulation same(Path path) {
        return new Simulation(path, path);
    }

    private static Simulation regression(double oldRate, Path newPath) {
        return new Simulation(Path.errors(oldRate), newPath);
    }

    private static AaDraft aa(String name, Path path) {
        return new AaDraft(name, same(path));
    }

    /** An A/A model being described: its simulation, and how long a run lasts. */
    private static final class AaDraft {
        private final String name;
        private final Simulation simulation;
        private double seconds = Double.MAX_VALUE;

        AaDraft(String name, Simulation simulation) {
            this.name = name;
            this.simulation = simulation;
        }

        AaDraft world(Simulation.WorldModel model) {
            simulation.world(model);
            return this;
        }

        AaDraft rollout(int percent) {
            simulation.rollout(percent);
            return this;
        }

        AaDraft rolloutSteps(int... percents) {
            simulation.rolloutSteps(percents);
            return this;
        }

        AaDraft config(GuardConfig config) {
            simulation.config(config);
            return this;
        }

        AaDraft seconds(double limit) {
            this.seconds = limit;
            return this;
        }

        AaModel build(boolean baseline) {
            simulation.baseline(baseline ? BASELINE : 0);
            return new AaModel(baseline ? name + ", baseline" : name, simulation, AA_CALLS, seconds);
        }
    }

    private static String percent(double rate) {
        return new BigDecimal(Double.toString(100 * rate)).stripTrailingZeros().toPlainString();
    }

    /** Prints the scorecard: one line per model. */
    static String scorecard(int aaRuns, int regressionRuns) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "| A/A model | runs | false rollbacks |%n|---|---:|---:|%n"));
        for (boolean baseline : new boolean[] {false, true}) {
            for (AaModel model : aaModels(baseline)) {
                int falseRollbacks = model.falseRollbacks(aaRuns);
                out.append(String.format(Locale.ROOT, "| %s | %d | %d (%.1f%%) |%n", model.name(), aaRuns,
                        falseRollbacks, 100.0 * falseRollbacks / aaRuns));
            }
        }
        out.append(String.format(Locale.ROOT, "%n| regression model | runs | rolled back | median | p95 | worst |"
                + "%n|---|---:|---:|---:|---:|---:|%n"));
        for (RegressionModel model : regressionModels()) {
            long[] calls = model.callsToVerdict(regressionRuns);
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s |%n", model.name(), regressionRuns,
                    countWithin(calls, NOT_ROLLED_BACK - 1), text(quantile(calls, 0.5)), text(quantile(calls, 0.95)),
                    text(calls[calls.length - 1])));
        }
        return out.toString();
    }

    static long quantile(long[] sorted, double q) {
        return sorted[(int) Math.ceil(sorted.length * q) - 1];
    }

    static int countWithin(long[] calls, long limit) {
        return (int) Arrays.stream(calls).filter(c -> c <= limit).count();
    }

    static String text(long calls) {
        return calls == NOT_ROLLED_BACK ? "-" : Long.toString(calls);
    }
}
