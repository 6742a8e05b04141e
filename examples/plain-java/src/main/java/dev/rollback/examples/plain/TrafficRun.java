package dev.rollback.examples.plain;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.event.StateTransitionEvent;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.judge.Evidence;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.metrics.RollbackMetricNames;
import dev.rollback.examples.plain.CheckoutService.Order;
import dev.rollback.examples.plain.CheckoutService.Receipt;
import dev.rollback.examples.plain.RunResult.CallCount;
import dev.rollback.examples.plain.RunResult.Phase;
import dev.rollback.examples.plain.RunResult.PhaseCounts;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One run of the demo: sends bounded traffic through the guard of {@value #FEATURE}, injects the
 * regression half-way (at half the requests or half the time limit, whichever comes first), prints
 * the timeline as it goes, and returns what it saw. Single use.
 */
final class TrafficRun {

    /** The guarded feature, which is also its flag's name. */
    static final String FEATURE = "checkout-v2";
    /** The share of users whose calls take the new path while the feature rolls out. */
    static final int ROLLOUT_PERCENT = 50;
    /** How many distinct users send orders; the user id is the rollout's stickiness key. */
    static final int USERS = 2_000;
    /** How many caller failures are printed on the timeline; the rest are only counted. */
    static final int CALLER_FAILURES_SHOWN = 5;
    /** How many progress lines a run prints at most. */
    static final int PROGRESS_LINES = 10;

    private final DemoOptions options;
    private final Clock clock;
    private final Sleeper sleeper;
    private final AtomicBoolean started = new AtomicBoolean();

    private final AtomicLong nextRequest = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicBoolean injected = new AtomicBoolean();
    private final AtomicBoolean firstFallbackShown = new AtomicBoolean();
    private final AtomicBoolean firstFallbackSinceRegressionShown = new AtomicBoolean();
    private final AtomicInteger callerFailuresShown = new AtomicInteger();
    private final Map<Phase, Counter> phases = new EnumMap<>(Phase.class);
    private volatile long injectedAtRequest = -1;
    private volatile long injectedAtMillis = -1;
    private volatile RollbackEvent rollback;
    private volatile long rollbackAtMillis = -1;
    private volatile long rollbackAtRequest = -1;
    private volatile boolean rollbackAfterInjection;
    private final Timeline timeline;

    private TrafficRun(DemoOptions options, Clock clock, Sleeper sleeper, PrintStream out) {
        this.options = options;
        this.clock = clock;
        this.sleeper = sleeper;
        this.timeline = new Timeline(out, clock);
        for (Phase phase : Phase.values()) {
            phases.put(phase, new Counter());
        }
    }

    /**
     * Returns a run in real time, on {@link DemoOptions#threads()} worker threads: the demo.
     *
     * @param options the options
     * @param out     where the timeline goes
     * @return the run, not started
     */
    static TrafficRun realTime(DemoOptions options, PrintStream out) {
        return new TrafficRun(options, Clock.SYSTEM, Sleeper.real(), out);
    }

    /**
     * Returns a run in virtual time: simulated latency moves a {@link MockClock} instead of sleeping,
     * so the run takes milliseconds and repeats exactly for a seed. For tests.
     *
     * @param options the options, with one thread (a shared virtual clock cannot time concurrent calls)
     * @param out     where the timeline goes
     * @return the run, not started
     * @throws IllegalArgumentException if the options ask for more than one thread
     */
    static TrafficRun virtualTime(DemoOptions options, PrintStream out) {
        if (options.threads() != 1) {
            throw new IllegalArgumentException("a run in virtual time needs exactly 1 thread, was "
                    + options.threads());
        }
        MockClock clock = new MockClock();
        return new TrafficRun(options, clock, Sleeper.virtual(clock), out);
    }

    /**
     * Runs the traffic, printing the timeline, and returns what was seen. Closes the registry before
     * it returns.
     *
     * @return the result
     * @throws IllegalStateException if the run was already started
     */
    RunResult run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a TrafficRun runs once; create another");
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
        InMemoryFlagSource flags = new InMemoryFlagSource().rollout(FEATURE, ROLLOUT_PERCENT);
        // Created here rather than left to the registry's default, to be read after close().
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        CheckoutService service = new CheckoutService(options.seed(), sleeper);

        RollbackRegistry registry = RollbackRegistry.builder()
                .meterRegistry(meters)
                .flagSource(flags)
                .ledger(ledger)
                .service("checkout", "1.4.0")
                .instanceId("plain-java-demo")
                .build();
        String deploymentId = registry.deployment().id();
        List<CallCount> calls;
        String health;
        GuardState finalState;
        long elapsedMillis;
        long sent;
        try {
            ReleaseGuard guard = registry.guard(FEATURE);
            registry.getEventPublisher()
                    .onStateTransition(this::stateChanged)
                    .onRollback(this::rolledBack);

            timeline.start();
            timeline.line("start", String.format(Locale.ROOT,
                    "flag %s at %d%% of %,d users; up to %,d requests or %d s on %d thread(s), seed %d",
                    FEATURE, flags.percentage(FEATURE), USERS, options.requests(), DemoOptions.TIME_LIMIT_SECONDS,
                    options.threads(), options.seed()));

            long startNanos = clock.monotonicTime();
            long deadlineNanos = startNanos + TimeUnit.SECONDS.toNanos(DemoOptions.TIME_LIMIT_SECONDS);
            long halfTimeNanos = startNanos + TimeUnit.SECONDS.toNanos(DemoOptions.TIME_LIMIT_SECONDS) / 2;
            sendTraffic(guard, service, deadlineNanos, halfTimeNanos);
            elapsedMillis = TimeUnit.NANOSECONDS.toMillis(clock.monotonicTime() - startNanos);
            sent = completed.get();
            timeline.line("end", String.format(Locale.ROOT, "%,d requests sent%s", sent, sent < options.requests()
                    ? ", stopped by the " + DemoOptions.TIME_LIMIT_SECONDS + " s time limit" : ""));
            // The guard's meters are removed when the registry closes: read them first.
            calls = callCounts(meters);
            health = registry.health().toJson();
            finalState = guard.state();
        } finally {
            // Waits for the asynchronous ledger writes (and the flag source's kill switch), stops the threads.
            registry.close();
        }
        List<RollbackRecord> records = ledger.rollbacks(deploymentId);

        Map<Phase, PhaseCounts> counts = new EnumMap<>(Phase.class);
        phases.forEach((phase, counter) -> counts.put(phase, counter.snapshot()));
        long callerFailures = counts.values().stream().mapToLong(PhaseCounts::callerFailures).sum();
        return new RunResult(options, sent, elapsedMillis, sent < options.requests(), injectedAtRequest,
                injectedAtMillis, rollback, rollbackAtMillis, rollbackAtRequest, rollbackAfterInjection, callerFailures,
                counts, calls, finalState, flags.percentage(FEATURE), health, deploymentId, records);
    }

    private void sendTraffic(ReleaseGuard guard, CheckoutService service, long deadlineNanos, long halfTimeNanos) {
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(options.threads(),
                r -> new Thread(r, "checkout-worker-" + threadNumber.incrementAndGet()));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < options.threads(); t++) {
                futures.add(workers.submit(() -> work(guard, service, deadlineNanos, halfTimeNanos)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the traffic ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a worker thread failed", e.getCause());
        } finally {
            workers.shutdownNow();
        }
    }

    private void work(ReleaseGuard guard, CheckoutService service, long deadlineNanos, long halfTimeNanos) {
        long progressEvery = Math.max(1, options.requests() / PROGRESS_LINES);
        while (true) {
            long now = clock.monotonicTime();
            if (now - deadlineNanos >= 0) {
                return;
            }
            long number = nextRequest.getAndIncrement();
            if (number >= options.requests()) {
                return;
            }
            if (!injected.get() && (number >= options.requests() / 2 || now - halfTimeNanos >= 0)) {
                inject(service, number);
            }
            Phase phase = rollback != null ? Phase.ROLLED_BACK
                    : injected.get() ? Phase.REGRESSED : Phase.BEFORE_REGRESSION;
            Attempt attempt = new Attempt(order(number), service);
            boolean failed = false;
            long start = clock.monotonicTime();
            try {
                guard.call(attempt.order.userId(), attempt::newPath, attempt::oldPath);
            } catch (RuntimeException e) {
                // With the guard, the caller sees an exception only if the old path throws too.
                failed = true;
                callerFailure(attempt.order, e);
            }
            phases.get(phase).add(attempt, failed, clock.monotonicTime() - start);
            long done = completed.incrementAndGet();
            if (done % progressEvery == 0) {
                progress(done);
            }
        }
    }

    private void inject(CheckoutService service, long number) {
        if (injected.compareAndSet(false, true)) {
            service.inject(options.regression());
            injectedAtRequest = number;
            injectedAtMillis = timeline.now();
            timeline.line(injectedAtMillis, "REGRESSION", String.format(Locale.ROOT, "injected at request #%,d: %s",
                    number, CheckoutService.describe(options.regression())));
        }
    }

    private Order order(long number) {
        Random random = new Random(CheckoutService.mix(options.seed(), number, 0));
        return new Order(number, String.format(Locale.ROOT, "user-%04d", random.nextInt(USERS)),
                500 + random.nextInt(20_000));
    }

    private void stateChanged(StateTransitionEvent e) {
        // A rollback's reason is printed with its verdict, just below.
        String reason = e.to() == GuardState.ROLLED_BACK ? "" : "  (" + e.reason() + ")";
        timeline.line(timeline.offset(e.time()), "state", e.from() + " -> " + e.to() + reason);
    }

    private void rolledBack(RollbackEvent e) {
        rollbackAtRequest = Math.min(nextRequest.get(), options.requests());
        rollbackAtMillis = timeline.offset(e.time());
        rollbackAfterInjection = injected.get();
        rollback = e;
        List<String> lines = new ArrayList<>();
        lines.add("reason       " + e.reason());
        e.findEvidence().ifPresent(evidence -> lines.addAll(describe(evidence)));
        timeline.line(rollbackAtMillis, "ROLLBACK", String.format(Locale.ROOT,
                "%s rolled back by %s, scope %s, after %,d requests", e.feature(), e.actor(), e.scope(),
                rollbackAtRequest), lines.toArray(String[]::new));
    }

    /** The verdict's statistics, one per line, in the units of its criterion. */
    static List<String> describe(Evidence e) {
        String newPath;
        String oldPath;
        String effect;
        switch (e.criterion()) {
            case ERROR_RATE -> {
                newPath = String.format(Locale.ROOT, "%6.2f%% failed   (n=%,d)", 100 * e.newEstimate(), e.newSamples());
                oldPath = String.format(Locale.ROOT, "%6.2f%% failed   (n=%,d)", 100 * e.oldEstimate(), e.oldSamples());
                effect = String.format(Locale.ROOT, "%+.2f percentage points, tolerance %.2f",
                        100 * e.effect(), 100 * e.tolerance());
            }
            case LATENCY -> {
                newPath = String.format(Locale.ROOT, "%7.3f ms geometric mean of successes (n=%,d)",
                        e.newEstimate(), e.newSamples());
                oldPath = String.format(Locale.ROOT, "%7.3f ms geometric mean of successes (n=%,d)",
                        e.oldEstimate(), e.oldSamples());
                effect = String.format(Locale.ROOT, "%+.1f%% slower, tolerance %.1f%%",
                        100 * e.effect(), 100 * e.tolerance());
            }
            case MAXIMUM_ERROR_RATE -> {
                newPath = String.format(Locale.ROOT, "%6.2f%% failed   (n=%,d)", 100 * e.newEstimate(), e.newSamples());
                oldPath = String.format(Locale.ROOT, "limit %.2f%%", 100 * e.oldEstimate());
                effect = String.format(Locale.ROOT, "%+.2f percentage points over the limit", 100 * e.effect());
            }
            case MAXIMUM_LATENCY -> {
                newPath = String.format(Locale.ROOT, "%6.2f%% slower than the limit (n=%,d)",
                        100 * e.newEstimate(), e.newSamples());
                oldPath = String.format(Locale.ROOT, "allowed %.2f%%", 100 * e.oldEstimate());
                effect = String.format(Locale.ROOT, "%+.2f percentage points over the allowed share", 100 * e.effect());
            }
            default -> throw new IllegalArgumentException("unknown criterion " + e.criterion());
        }
        return List.of(
                "criterion    " + e.criterion(),
                "new path     " + newPath,
                "old path     " + oldPath,
                "effect       " + effect,
                String.format(Locale.ROOT, "log e-value  %.2f >= threshold %.2f = ln(1/alpha), alpha %.3g",
                        e.logEvidence(), e.logThreshold(), Math.exp(-e.logThreshold())),
                "summary      " + e.summary());
    }

    private void fallback(Order order, RuntimeException cause) {
        boolean sinceRegression = injected.get();
        String detail = String.format(Locale.ROOT, "request #%,d (%s): new path threw \"%s\"; the old path answered",
                order.number(), order.userId(), cause.getMessage());
        if (firstFallbackShown.compareAndSet(false, true)) {
            if (sinceRegression) {
                firstFallbackSinceRegressionShown.set(true);
            }
            timeline.line("fallback", "first fallback: " + detail);
        } else if (sinceRegression && firstFallbackSinceRegressionShown.compareAndSet(false, true)) {
            timeline.line("fallback", "first fallback since the regression: " + detail);
        }
    }

    private void callerFailure(Order order, RuntimeException e) {
        if (callerFailuresShown.getAndIncrement() < CALLER_FAILURES_SHOWN) {
            timeline.line("FAILED", String.format(Locale.ROOT, "request #%,d (%s): the caller got %s",
                    order.number(), order.userId(), e));
        }
    }

    private void progress(long done) {
        long newRan = 0;
        long newFailed = 0;
        long oldAnswered = 0;
        long failed = 0;
        for (Counter c : phases.values()) {
            newRan += c.newPathRan.sum();
            newFailed += c.newPathFailed.sum();
            oldAnswered += c.oldPathAnswered.sum();
            failed += c.callerFailures.sum();
        }
        timeline.line("progress", String.format(Locale.ROOT,
                "%,7d requests   new path ran %,6d (failed %,4d)   old path answered %,6d   caller failures %,d",
                done, newRan, newFailed, oldAnswered, failed));
    }

    private static List<CallCount> callCounts(SimpleMeterRegistry meters) {
        List<String> outcomes = List.of("success", "failure", "fallback");
        return meters.find(RollbackMetricNames.CALLS).tag(RollbackMetricNames.TAG_FEATURE, FEATURE).timers().stream()
                .map(TrafficRun::callCount)
                .sorted(Comparator.comparing((CallCount c) -> !c.path().equals("new"))
                        .thenComparing(c -> outcomes.indexOf(c.outcome())))
                .toList();
    }

    private static CallCount callCount(Timer timer) {
        return new CallCount(timer.getId().getTag(RollbackMetricNames.TAG_PATH),
                timer.getId().getTag(RollbackMetricNames.TAG_OUTCOME), timer.count(),
                timer.mean(TimeUnit.MILLISECONDS));
    }

    /** One request's trip through the guard, as the two paths see it. */
    private final class Attempt {
        final Order order;
        final CheckoutService service;
        boolean newPathRan;
        RuntimeException newPathFailure;

        Attempt(Order order, CheckoutService service) {
            this.order = order;
            this.service = service;
        }

        Receipt newPath() {
            newPathRan = true;
            try {
                return service.checkoutV2(order);
            } catch (RuntimeException e) {
                newPathFailure = e;
                throw e;
            }
        }

        Receipt oldPath() {
            if (newPathFailure != null) {
                fallback(order, newPathFailure);
            }
            return service.checkoutV1(order);
        }
    }

    /** The demo's own counts of one phase, updated from every worker. */
    private static final class Counter {
        final LongAdder requests = new LongAdder();
        final LongAdder newPathRan = new LongAdder();
        final LongAdder newPathFailed = new LongAdder();
        final LongAdder oldPathAnswered = new LongAdder();
        final LongAdder callerFailures = new LongAdder();
        final LongAdder totalNanos = new LongAdder();

        void add(Attempt attempt, boolean failed, long nanos) {
            requests.increment();
            if (attempt.newPathRan) {
                newPathRan.increment();
            }
            if (attempt.newPathFailure != null) {
                newPathFailed.increment();
            }
            if (failed) {
                callerFailures.increment();
            } else if (!attempt.newPathRan || attempt.newPathFailure != null) {
                oldPathAnswered.increment();
            }
            totalNanos.add(nanos);
        }

        PhaseCounts snapshot() {
            return new PhaseCounts(requests.sum(), newPathRan.sum(), newPathFailed.sum(), oldPathAnswered.sum(),
                    callerFailures.sum(), totalNanos.sum());
        }
    }
}
