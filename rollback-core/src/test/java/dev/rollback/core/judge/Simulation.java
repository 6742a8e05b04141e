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
 * Drives a guard through a rollout in virtual time with seeded randomness: each path fails with its
 * own probability and takes a log-normal time read from a {@link MockClock}. No sleeping, no threads.
 */
final class Simulation {

    /** One path's behaviour: failure probability, median latency and the spread of log latency. */
    record Path(double errorRate, double medianMillis, double sigma) {
        static Path errors(double rate) {
            return new Path(rate, 20, 0.5);
        }

        Path slower(double factor) {
            return new Path(errorRate, medianMillis * factor, sigma);
        }
    }

    /** What one run saw. */
    record Run(boolean rolledBack, long newCalls, long oldCalls, long callerExceptions) {
    }

    private final Path oldPath;
    private final Path newPath;
    private long onset = Long.MAX_VALUE;
    private Path regressed;
    private int rolloutPercent = 50;
    private int baselineCalls;
    private GuardConfig config = GuardConfig.ofDefaults();

    Simulation(Path oldPath, Path newPath) {
        this.oldPath = oldPath;
        this.newPath = newPath;
    }

    Simulation rollout(int percent) {
        this.rolloutPercent = percent;
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

    Simulation config(GuardConfig guardConfig) {
        this.config = guardConfig;
        return this;
    }

    /** Runs until rolled back or {@code maxNewCalls} new-path calls have run. */
    Run run(long seed, long maxNewCalls) {
        SplittableRandom random = new SplittableRandom(seed);
        MockClock clock = new MockClock();
        SimpleMeterRegistry meters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
        InMemoryFlagSource flags = new InMemoryFlagSource(new SplittableRandom(seed ^ 0x5DEECE66DL));
        long[] counts = new long[2];
        try (RollbackRegistry registry = RollbackRegistry.builder().meterRegistry(meters).flagSource(flags).build()) {
            ReleaseGuard guard = registry.guard("feature", config);
            long exceptions = 0;
            for (int i = 0; i < baselineCalls; i++) {
                exceptions += call(guard, random, clock, counts);
            }
            flags.rollout("feature", rolloutPercent);
            while (counts[0] < maxNewCalls && guard.state() != GuardState.ROLLED_BACK) {
                exceptions += call(guard, random, clock, counts);
            }
            return new Run(guard.state() == GuardState.ROLLED_BACK, counts[0], counts[1], exceptions);
        }
    }

    private int call(ReleaseGuard guard, SplittableRandom random, MockClock clock, long[] counts) {
        try {
            Path current = counts[0] < onset ? newPath : regressed;
            guard.call(() -> step(current, random, clock, counts, 0), () -> step(oldPath, random, clock, counts, 1));
            return 0;
        } catch (SimulatedFailure e) {
            return 1;
        }
    }

    private static String step(Path path, SplittableRandom random, MockClock clock, long[] counts, int index) {
        counts[index]++;
        double millis = path.medianMillis * Math.exp(path.sigma * gaussian(random));
        clock.add((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
        if (random.nextDouble() < path.errorRate) {
            throw new SimulatedFailure();
        }
        return "ok";
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Runs {@code runs} seeds and returns the new-path calls to the verdict, sorted; -1 where none. */
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
