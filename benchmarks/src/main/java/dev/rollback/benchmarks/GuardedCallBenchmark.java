package dev.rollback.benchmarks;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a guarded call costs on its hot path (flag on, breaker closed, judge recording), side by side
 * with the same call made plainly, through a Resilience4j circuit breaker alone, and through a hand
 * composition of a flag check, a circuit breaker and a Micrometer timer.
 *
 * <p>Every variant runs the same new path, which only reads a field, so the differences are the
 * overhead. Guard, breakers and meters are shared by all threads ({@link Scope#Benchmark}), as they
 * are in a service. Before the measurement the guard records a baseline of old-path calls with the
 * flag off; then the flag is on for every call, so each measured call is judged against that
 * baseline, as in a full rollout. The new path never fails and the old path never runs during the
 * measurement (it throws if it does), so the guard stays {@link GuardState#ROLLING_OUT}. A trial that
 * ends in any other state, or with a breaker open, fails.
 *
 * <p>Run, from the repository root, once per thread count:
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar GuardedCallBenchmark -t 1 -prof gc
 * java -jar benchmarks/target/benchmarks.jar GuardedCallBenchmark -t 2 -prof gc
 * </pre>
 * {@code gc.alloc.rate.norm} in the output is the bytes allocated per call. The results are in
 * {@code BENCHMARKS.md} at the repository root.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GuardedCallBenchmark {

    private static final String FEATURE = "checkout-v2";
    private static final int BASELINE_CALLS = 1_000;

    /** The paths every variant calls: the same trivial work everywhere. */
    @State(Scope.Benchmark)
    public static class Paths {

        /** What the new path answers; a field, so that the JIT cannot fold the call away. */
        String answer = "receipt";

        Supplier<String> newPath;
        Supplier<String> oldPath;

        /** Creates the paths once, so that no variant allocates a lambda per call. */
        @Setup(Level.Trial)
        public void setUp() {
            newPath = () -> answer;
            oldPath = () -> {
                throw new IllegalStateException("the old path ran: the benchmark no longer measures the new path");
            };
        }
    }

    /** (b) A Resilience4j breaker with the guard's default configuration. */
    @State(Scope.Benchmark)
    public static class BreakerOnly {

        CircuitBreaker breaker;
        Supplier<String> call;

        /**
         * Decorates the new path.
         *
         * @param paths the paths
         */
        @Setup(Level.Trial)
        public void setUp(Paths paths) {
            breaker = CircuitBreaker.of("breaker-only", GuardConfig.DEFAULT_CIRCUIT_BREAKER_CONFIG);
            call = CircuitBreaker.decorateSupplier(breaker, paths.newPath);
        }

        /** Fails the trial if the breaker opened. */
        @TearDown(Level.Trial)
        public void tearDown() {
            requireClosed(breaker);
        }
    }

    /** (c) Flag, breaker and timer composed by hand, with their own flags, breaker and meters. */
    @State(Scope.Benchmark)
    public static class HandComposition {

        InMemoryFlagSource flags;
        CircuitBreaker breaker;
        Timer timer;
        Supplier<String> call;

        /**
         * Creates the parts, the breaker with the guard's default configuration.
         *
         * @param paths the paths
         */
        @Setup(Level.Trial)
        public void setUp(Paths paths) {
            flags = new InMemoryFlagSource().enable(FEATURE);
            breaker = CircuitBreaker.of("hand-composition", GuardConfig.DEFAULT_CIRCUIT_BREAKER_CONFIG);
            call = CircuitBreaker.decorateSupplier(breaker, paths.newPath);
            timer = Timer.builder("hand.calls")
                    .description("Calls of the hand composition")
                    .tag("feature", FEATURE)
                    .register(new SimpleMeterRegistry());
        }

        /** Fails the trial if the breaker opened. */
        @TearDown(Level.Trial)
        public void tearDown() {
            requireClosed(breaker);
        }
    }

    /** The guard, from a registry with in-memory flags and a simple meter registry. */
    @State(Scope.Benchmark)
    public static class Guarded {

        RollbackRegistry registry;
        ReleaseGuard guard;

        /**
         * Creates the registry and the guard, records an old-path baseline with the flag off, then turns
         * the flag on: every measured call is compared against that baseline, as in a full rollout.
         *
         * @param paths the paths
         */
        @Setup(Level.Trial)
        public void setUp(Paths paths) {
            InMemoryFlagSource flags = new InMemoryFlagSource();
            registry = RollbackRegistry.builder()
                    .meterRegistry(new SimpleMeterRegistry())
                    .flagSource(flags)
                    .build();
            guard = registry.guard(FEATURE);
            Supplier<String> baseline = () -> paths.answer;
            for (int i = 0; i < BASELINE_CALLS; i++) {
                guard.call(paths.newPath, baseline);
            }
            flags.enable(FEATURE);
        }

        /** Fails the trial if the guard left the new path, which would make its figures meaningless. */
        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                if (guard.state() != GuardState.ROLLING_OUT) {
                    throw new IllegalStateException("the guard ended the trial " + guard.state()
                            + ", not ROLLING_OUT; the figures do not measure the new path");
                }
            } finally {
                registry.close();
            }
        }
    }

    private static void requireClosed(CircuitBreaker breaker) {
        if (breaker.getState() != CircuitBreaker.State.CLOSED) {
            throw new IllegalStateException("circuit breaker '" + breaker.getName() + "' ended the trial "
                    + breaker.getState() + ", not CLOSED");
        }
    }

    /**
     * (a) The new path called directly: the floor.
     *
     * @param paths the paths
     * @return the answer
     */
    @Benchmark
    public String plainCall(Paths paths) {
        return paths.newPath.get();
    }

    /**
     * (b) The new path behind {@link CircuitBreaker#decorateSupplier(CircuitBreaker, Supplier)} alone.
     *
     * @param s the breaker
     * @return the answer
     */
    @Benchmark
    public String circuitBreakerOnly(BreakerOnly s) {
        return s.call.get();
    }

    /**
     * (c) What a careful user would write without the library: an in-memory flag check, then the new
     * path behind a circuit breaker and a Micrometer timer; the old path when the flag is off or the
     * new path fails.
     *
     * @param paths the paths
     * @param s     the parts
     * @return the answer
     */
    @Benchmark
    public String handComposition(Paths paths, HandComposition s) {
        if (!s.flags.isEnabled(FEATURE, null)) {
            return paths.oldPath.get();
        }
        try {
            return s.timer.record(s.call);
        } catch (RuntimeException e) {
            return paths.oldPath.get();
        }
    }

    /**
     * The new path through {@link ReleaseGuard#call(Supplier, Supplier)}: flag, breaker, timer and judge.
     *
     * @param paths the paths
     * @param s     the guard
     * @return the answer
     */
    @Benchmark
    public String guardedCall(Paths paths, Guarded s) {
        return s.guard.call(paths.newPath, paths.oldPath);
    }
}
