package dev.rollback.core.judge;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Drives a guard through a rollout in virtual time with seeded randomness: calls arrive one after
 * another (with a gap that the traffic model sets), each path fails with its own probability and
 * takes a time drawn from its latency distribution, read from a {@link MockClock}. A {@link World}
 * adds what hits both paths alike: a latency factor and an error rate that move over time. No
 * sleeping, no threads; the same seed gives the same run.
 */
final class Simulation {

    /**
     * One path's behaviour: failure probability, median latency, the spread of log latency (or, for
     * a Pareto tail, its shape), and a share of calls that take {@code tailMillis} more.
     */
    record Path(double errorRate, double medianMillis, double sigma, double paretoShape, double tailShare,
                double tailMillis) {

        static Path errors(double rate) {
            return new Path(rate, 20, 0.5, 0, 0, 0);
        }

        /** Pareto latency with the given shape (1.5: infinite variance) and a 20 ms median. */
        static Path pareto(double shape) {
            return new Path(0.001, 20, 0, shape, 0, 0);
        }

        Path slower(double factor) {
            return new Path(errorRate, medianMillis * factor, sigma, paretoShape, tailShare, tailMillis);
        }

        Path failing(double rate) {
            return new Path(rate, medianMillis, sigma, paretoShape, tailShare, tailMillis);
        }

        /** {@code share} of the calls take {@code millis} more. */
        Path tail(double share, double millis) {
            return new Path(errorRate, medianMillis, sigma, paretoShape, share, millis);
        }

        double millis(SplittableRandom random) {
            double base = paretoShape > 0
                    // A Pareto variable with median m: m * 2^(-1/a) * U^(-1/a).
                    ? medianMillis * Math.pow(2 * (1 - random.nextDouble()), -1 / paretoShape)
                    : medianMillis * Math.exp(sigma * gaussian(random));
            return tailShare > 0 && random.nextDouble() < tailShare ? base + tailMillis : base;
        }
    }

    /** What hits both paths alike, as functions of virtual time in seconds since the rollout. */
    interface World {
        /** The factor on every call's latency. */
        double latencyFactor(double seconds);

        /** The chance that any call fails for a shared reason. */
        double sharedErrorRate(double seconds);

        /** Calls per second; {@code 0}: one after the other, no gap. */
        double callsPerSecond(double seconds);

        /** When the world changes at once (a step), in seconds; infinite if it never does. */
        default double changeAt() {
            return Double.POSITIVE_INFINITY;
        }
    }

    /** Makes a run's world from the run's random source (e.g. when a step happens). */
    interface WorldModel {
        World create(SplittableRandom random);
    }

    /** Nothing shared; calls back to back. */
    static final WorldModel CALM = random -> new World() {
        @Override
        public double latencyFactor(double seconds) {
            return 1;
        }

        @Override
        public double sharedErrorRate(double seconds) {
            return 0;
        }

        @Override
        public double callsPerSecond(double seconds) {
            return 0;
        }
    };

    /**
     * What one run saw: {@code newCalls} counts from the world's change for a regression that comes
     * with it, else from the rollout; {@code evidence} is the verdict's, or {@code null}.
     */
    record Run(boolean rolledBack, long newCalls, long oldCalls, long callerExceptions, Evidence evidence) {
    }

    private final Path oldPath;
    private final Path newPath;
    private long onset = Long.MAX_VALUE;
    private boolean onsetWithWorldChange;
    private Path regressed;
    private int[] rolloutPercents = {50};
    private int baselineCalls;
    private GuardConfig config = GuardConfig.ofDefaults();
    private WorldModel worldModel = CALM;

    Simulation(Path oldPath, Path newPath) {
        this.oldPath = oldPath;
        this.newPath = newPath;
    }

    Simulation rollout(int percent) {
        this.rolloutPercents = new int[] {percent};
        return this;
    }

    /** The rollout share steps through {@code percents}, evenly over the run's calls. */
    Simulation rolloutSteps(int... percents) {
        this.rolloutPercents = percents.clone();
        return this;
    }

    /** Old-path-only calls before the flag is turned on. */
    Simulation baseline(int calls) {
        this.baselineCalls = calls;
        return this;
    }

    /** The new path behaves as {@code later} from its {@code newCalls}-th call on. */
    Simulation regressionAfter(long newCalls, Path later) {
        this.onset = newCalls;
        this.regressed = later;
        return this;
    }

    /**
     * The new path behaves as {@code later} from the moment the world changes (see {@link
     * World#changeAt()}), e.g. a regression that coincides with a system-wide slowdown.
     */
    Simulation regressionWithTheWorldChange(Path later) {
        this.onsetWithWorldChange = true;
        this.regressed = later;
        return this;
    }

    Simulation config(GuardConfig guardConfig) {
        this.config = guardConfig;
        return this;
    }

    Simulation world(WorldModel model) {
        this.worldModel = model;
        return this;
    }

    /**
     * Runs until rolled back, or until {@code maxNewCalls} new-path calls, {@code maxCalls} calls
     * in all, or {@code maxSeconds} of virtual time.
     */
    Run run(long seed, long maxNewCalls, long maxCalls, double maxSeconds) {
        SplittableRandom random = new SplittableRandom(seed);
        World world = worldModel.create(random.split());
        MockClock clock = new MockClock();
        SimpleMeterRegistry meters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
        InMemoryFlagSource flags = new InMemoryFlagSource(new SplittableRandom(seed ^ 0x5DEECE66DL));
        long[] counts = new long[2];
        try (RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).flagSource(flags).build()) {
            ReleaseGuard guard = registry.guard("feature", config);
            Evidence[] evidence = new Evidence[1];
            registry.getEventPublisher().onRollback(e -> evidence[0] = e.evidence());
            long exceptions = 0;
            for (int i = 0; i < baselineCalls; i++) {
                exceptions += call(guard, random, clock, counts, CALM.create(random), 0, false);
            }
            long start = clock.monotonicTime();
            long calls = 0;
            int step = -1;
            long onsetAt = onset;
            while (counts[0] < maxNewCalls && calls < maxCalls && guard.state() != GuardState.ROLLED_BACK) {
                int wanted = (int) Math.min(rolloutPercents.length - 1, calls * rolloutPercents.length / maxCalls);
                if (wanted != step) {
                    step = wanted;
                    flags.rollout("feature", rolloutPercents[step]);
                }
                double seconds = (clock.monotonicTime() - start) / 1e9;
                if (seconds > maxSeconds) {
                    break;
                }
                double rate = world.callsPerSecond(seconds);
                if (rate > 0) {
                    clock.add((long) (-Math.log(1 - random.nextDouble()) / rate * 1e9), TimeUnit.NANOSECONDS);
                    seconds = (clock.monotonicTime() - start) / 1e9;
                }
                boolean changed = onsetWithWorldChange && seconds >= world.changeAt();
                if (changed && onsetAt == Long.MAX_VALUE) {
                    onsetAt = counts[0];
                }
                exceptions += call(guard, random, clock, counts, world, seconds, counts[0] >= onsetAt);
                calls++;
            }
            long newCalls = onsetAt == Long.MAX_VALUE || onset != Long.MAX_VALUE ? counts[0] : counts[0] - onsetAt;
            return new Run(guard.state() == GuardState.ROLLED_BACK, newCalls, counts[1], exceptions, evidence[0]);
        }
    }

    /** Runs until rolled back or {@code maxNewCalls} new-path calls have run. */
    Run run(long seed, long maxNewCalls) {
        return run(seed, maxNewCalls, Long.MAX_VALUE, Double.MAX_VALUE);
    }

    private int call(ReleaseGuard guard, SplittableRandom random, MockClock clock, long[] counts, World world,
                     double seconds, boolean regressedNow) {
        Path current = regressedNow ? regressed : newPath;
        double factor = world.latencyFactor(seconds);
        double shared = world.sharedErrorRate(seconds);
        try {
            guard.call(() -> step(current, factor, shared, random, clock, counts, 0),
                    () -> step(oldPath, factor, shared, random, clock, counts, 1));
            return 0;
        } catch (SimulatedFailure e) {
            return 1;
        }
    }

    static String step(Path path, double factor, double shared, SplittableRandom random, MockClock clock,
                               long[] counts, int index) {
        counts[index]++;
        clock.add((long) (path.millis(random) * factor * 1_000_000), TimeUnit.NANOSECONDS);
        double errorRate = 1 - (1 - path.errorRate) * (1 - shared);
        if (random.nextDouble() < errorRate) {
            throw new SimulatedFailure();
        }
        return "ok";
    }

    static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /**
     * Runs the seeds {@code 0..runs-1}; returns the new-path calls to the verdict, sorted,
     * {@code Long.MAX_VALUE} where none.
     */
    long[] callsToVerdict(int runs, long maxNewCalls) {
        long[] calls = new long[runs];
        for (int seed = 0; seed < runs; seed++) {
            Run run = run(seed, maxNewCalls);
            calls[seed] = run.rolledBack() ? run.newCalls() : Long.MAX_VALUE;
        }
        Arrays.sort(calls);
        return calls;
    }

    /** A failure of a simulated path. */
    static final class SimulatedFailure extends RuntimeException {
        SimulatedFailure() {
            super("simulated failure", null, false, false);
        }
    }
}
