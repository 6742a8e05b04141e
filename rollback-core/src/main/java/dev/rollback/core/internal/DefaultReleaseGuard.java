package dev.rollback.core.internal;

import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.event.StateTransitionEvent;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.fleet.FleetBlock;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.guard.RunningPath;
import dev.rollback.core.health.FeatureHealth;
import dev.rollback.core.judge.Criterion;
import dev.rollback.core.judge.Evidence;
import dev.rollback.core.ledger.LedgerText;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.core.metrics.RollbackMetricNames;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ReleaseGuard} of one feature. See the interface for the order in which a call is
 * handled. The hot path reads the state with one volatile read, asks the flag source, and records
 * into pre-registered timers and the judge; it allocates nothing of its own.
 */
public final class DefaultReleaseGuard implements ReleaseGuard, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DefaultReleaseGuard.class);

    /**
     * What the health report adds to the reason of a feature that is rolling out while the old path
     * does not run (a 100% rollout without a holdback).
     */
    public static final String NO_CONCURRENT_CONTROL =
            "; no concurrent control: the judge compares with the pre-rollout baseline (set a holdback to keep one)";

    private final String feature;
    /** The feature's paths as {@link RunningPath#current()} tells them, made once. */
    private final RunningPath newRunning;
    private final RunningPath oldRunning;
    private final GuardConfig config;
    private final Clock clock;
    private final FlagSource flags;
    private final CircuitBreaker breaker;
    private final GuardCallbacks callbacks;
    private final MeterRegistry meters;
    private final Predicate<Throwable> fallbackOn;
    private final SequentialJudge judge;
    private final Holdback holdback;
    private final ThrottledLog flagErrorLog;
    private final AtomicReference<Status> status;
    private final List<Meter> registered = new ArrayList<>();
    private volatile boolean calledWithoutOldPath;

    private final Timer newSuccess;
    private final Timer newFailure;
    private final Timer oldSuccess;
    private final Timer oldFallback;
    private final Timer oldFailure;
    private final io.micrometer.core.instrument.Counter flagErrors;

    /** A state with why and since when; replaced whole, so readers see a consistent triple. */
    private record Status(GuardState state, String reason, long sinceMillis) {
    }

    /**
     * Creates the guard and registers its meters.
     *
     * @param feature   the feature, already validated
     * @param config    its configuration
     * @param meters    where meters go; its clock is the only source of time
     * @param flags     the flag source
     * @param breaker   the new path's circuit breaker, on the same clock
     * @param callbacks what the registry is told
     */
    public DefaultReleaseGuard(String feature, GuardConfig config, MeterRegistry meters, FlagSource flags,
                               CircuitBreaker breaker, GuardCallbacks callbacks) {
        this.feature = feature;
        this.newRunning = RunningPath.of(feature, RunningPath.Kind.NEW);
        this.oldRunning = RunningPath.of(feature, RunningPath.Kind.OLD);
        this.config = config;
        this.meters = meters;
        this.clock = meters.config().clock();
        this.flags = flags;
        this.breaker = breaker;
        this.callbacks = callbacks;
        this.fallbackOn = config.fallbackOn();
        this.judge = new SequentialJudge(config);
        this.holdback = new Holdback(feature, config.holdback());
        this.flagErrorLog = new ThrottledLog(clock, config.flagErrorLogInterval().toNanos());
        this.status = new AtomicReference<>(new Status(GuardState.OFF, "no call yet", clock.wallTime()));

        this.newSuccess = timer("new", "success");
        this.newFailure = timer("new", "failure");
        this.oldSuccess = timer("old", "success");
        this.oldFallback = timer("old", "fallback");
        this.oldFailure = timer("old", "failure");
        this.flagErrors = register(io.micrometer.core.instrument.Counter.builder(RollbackMetricNames.FLAG_ERRORS)
                .description("Flag source failures; each sent the call to the old path")
                .tag(RollbackMetricNames.TAG_FEATURE, feature)
                .register(meters));
        register(Gauge.builder(RollbackMetricNames.STATE, this, g -> g.state().ordinal())
                .description("State of the feature: 0 off, 1 rolling out, 2 rolled back")
                .tag(RollbackMetricNames.TAG_FEATURE, feature)
                .register(meters));
        register(Gauge.builder(RollbackMetricNames.JUDGE_THRESHOLD, judge, SequentialJudge::logThreshold)
                .description("Log e-value at which the judge rolls the feature back")
                .tag(RollbackMetricNames.TAG_FEATURE, feature)
                .register(meters));
        registered.addAll(BreakerMeters.register(breaker, meters));
        for (Criterion criterion : Criterion.values()) {
            if (applies(criterion)) {
                register(Gauge.builder(RollbackMetricNames.JUDGE_EVIDENCE, this, g -> g.logEvidence(criterion))
                        .description("The judge's current log e-value of a regression; rollback at the threshold")
                        .tag(RollbackMetricNames.TAG_FEATURE, feature)
                        .tag(RollbackMetricNames.TAG_CRITERION, criterion.name().toLowerCase(Locale.ROOT))
                        .register(meters));
            }
        }
    }

    private boolean applies(Criterion criterion) {
        return switch (criterion) {
            case ERROR_RATE, LATENCY -> true;
            case MAXIMUM_ERROR_RATE -> config.maximumErrorRate() < 1;
            case MAXIMUM_LATENCY -> !config.maximumLatency().isZero();
        };
    }

    private Timer timer(String path, String outcome) {
        return register(Timer.builder(RollbackMetricNames.CALLS)
                .description("Guarded calls by path and outcome")
                .tag(RollbackMetricNames.TAG_FEATURE, feature)
                .tag(RollbackMetricNames.TAG_PATH, path)
                .tag(RollbackMetricNames.TAG_OUTCOME, outcome)
                .register(meters));
    }

    private <M extends Meter> M register(M meter) {
        registered.add(meter);
        return meter;
    }

    @Override
    public <T> T call(Supplier<? extends T> newPath, Supplier<? extends T> oldPath) {
        return call(null, newPath, oldPath);
    }

    @Override
    public <T> T call(@Nullable String stickinessKey, Supplier<? extends T> newPath, Supplier<? extends T> oldPath) {
        GuardState state = status.get().state;
        if (state == GuardState.ROLLED_BACK) {
            return runOld(oldPath, oldSuccess, false);
        }
        if (!newPathOn(stickinessKey)) {
            return runOld(oldPath, oldSuccess, true);
        }
        if (state == GuardState.OFF) {
            transition(GuardState.OFF, GuardState.ROLLING_OUT, "new path on");
        }
        if (!breaker.tryAcquirePermission()) {
            return runOld(oldPath, oldFallback, false);
        }
        try {
            return runNew(newPath, true, true);
        } catch (Throwable t) {
            if (!fallbackOn.test(t)) {
                throw sneaky(t);
            }
            // A fallback ran only because the new path failed: it is no control sample.
            return runOld(oldPath, oldFallback, false);
        }
    }

    @Override
    public <T> T call(Supplier<? extends T> newPath) {
        if (!calledWithoutOldPath) {
            calledWithoutOldPath = true;
        }
        GuardState state = status.get().state;
        if (state == GuardState.OFF) {
            transition(GuardState.OFF, GuardState.ROLLING_OUT, "new path without old path ran");
        }
        // Without an old path an open breaker cannot divert the call: it runs, unrecorded by the breaker.
        return runNew(newPath, breaker.tryAcquirePermission(), state != GuardState.ROLLED_BACK);
    }

    /**
     * Runs the new path and records its outcome in the breaker (if it gave permission), the timers
     * and the judge (if judging); rethrows what the path throws.
     */
    private <T> T runNew(Supplier<? extends T> newPath, boolean permitted, boolean judged) {
        long start = clock.monotonicTime();
        T result;
        try {
            result = newRunning.run(newPath);
        } catch (Throwable t) {
            long nanos = clock.monotonicTime() - start;
            boolean failure = fallbackOn.test(t);
            if (permitted) {
                if (failure) {
                    breaker.onError(nanos, TimeUnit.NANOSECONDS, t);
                    if (calledWithoutOldPath && breaker.getState() == CircuitBreaker.State.OPEN) {
                        breakerOpenedWithoutOldPath();
                    }
                } else {
                    breaker.releasePermission();
                }
            }
            if (failure) {
                newFailure.record(nanos, TimeUnit.NANOSECONDS);
                if (judged) {
                    judge(true, true, nanos, start + nanos);
                }
            }
            throw sneaky(t);
        }
        long nanos = clock.monotonicTime() - start;
        if (permitted) {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            // A slow-call threshold can open the breaker on a success, too.
            if (calledWithoutOldPath && breaker.getState() == CircuitBreaker.State.OPEN) {
                breakerOpenedWithoutOldPath();
            }
        }
        newSuccess.record(nanos, TimeUnit.NANOSECONDS);
        if (judged) {
            judge(true, false, nanos, start + nanos);
        }
        return result;
    }

    /**
     * Asks the flag source on every call: the decision is cached in one place only, by a source for
     * which deciding is expensive (the Unleash and OpenFeature sources), and dropped there when its
     * flag changes; the holdback is a hash of the key.
     */
    private boolean newPathOn(@Nullable String stickinessKey) {
        try {
            return flags.isEnabled(feature, stickinessKey) && !holdback.holdsBack(stickinessKey);
        } catch (RuntimeException e) {
            flagErrors.increment();
            long count = flagErrorLog.tryAcquire();
            if (count > 0) {
                log.warn("Flag source {} failed for feature '{}' ({} time(s) since last logged); "
                        + "taking the old path", flags, feature, count, e);
            }
            return false;
        }
    }

    private <T> T runOld(Supplier<? extends T> oldPath, Timer successTimer, boolean judged) {
        long start = clock.monotonicTime();
        T result;
        try {
            result = oldRunning.run(oldPath);
        } catch (Throwable t) {
            long nanos = clock.monotonicTime() - start;
            oldFailure.record(nanos, TimeUnit.NANOSECONDS);
            if (judged && fallbackOn.test(t)) {
                judge(false, true, nanos, start + nanos);
            }
            throw sneaky(t);
        }
        long nanos = clock.monotonicTime() - start;
        successTimer.record(nanos, TimeUnit.NANOSECONDS);
        if (judged) {
            judge(false, false, nanos, start + nanos);
        }
        return result;
    }

    private void judge(boolean newPath, boolean failed, long nanos, long endNanos) {
        Evidence evidence;
        synchronized (judge) {
            evidence = newPath ? judge.recordNew(failed, nanos, endNanos) : judge.recordOld(failed, nanos, endNanos);
        }
        if (evidence != null) {
            rollback("regression: " + evidence.summary(), RollbackActors.JUDGE, evidence);
        }
    }

    /**
     * Returns the pairs the judge formed since the last call, as one block, and starts a new one;
     * {@code null} if it formed none. Called by the fleet, off the call path.
     *
     * @param instance this instance's id
     * @param start    when the block started
     * @param end      when it ended
     * @return the block, or {@code null}
     */
    public FleetBlock takePairs(String instance, Instant start, Instant end) {
        synchronized (judge) {
            return judge.tally.take(feature, instance, start, end);
        }
    }

    /**
     * Rolls the feature back on a verdict of the fleet judge, as {@value RollbackActors#FLEET_JUDGE}; does
     * nothing if it is rolled back already. The instance that reached the verdict rolls back with scope
     * {@link RollbackScope#FLEET}: its event is the fleet's one ledger record, and the kill switch's
     * outcome goes on it. The others follow with the usual scope, and the registry records nothing for them.
     *
     * @param reason   the verdict in words, with the pooled evidence
     * @param evidence the pooled evidence, or {@code null} when following another instance's verdict
     * @param reached  whether this instance reached the verdict
     * @return whether the feature was rolled back now ({@code false}: it was already)
     */
    public boolean rollbackByFleet(String reason, @Nullable Evidence evidence, boolean reached) {
        return rollback(LedgerText.reason(reason), RollbackActors.FLEET_JUDGE, evidence,
                reached ? RollbackScope.FLEET : null);
    }

    private double logEvidence(Criterion criterion) {
        synchronized (judge) {
            return judge.logEvidence(criterion);
        }
    }

    /**
     * The breaker opened on a path that has no old path: nothing can divert its calls, so the instance
     * must be reverted. Checked after each recorded failure rather than through the breaker's event
     * publisher, whose consumers would make it allocate an event on every call.
     */
    private void breakerOpenedWithoutOldPath() {
        CircuitBreaker.Metrics m = breaker.getMetrics();
        rollback(String.format(Locale.ROOT,
                "circuit breaker opened for a path without an old path: failure rate %.1f%% over the last %d calls",
                m.getFailureRate(), m.getNumberOfBufferedCalls()), RollbackActors.CIRCUIT_BREAKER, null);
    }

    @Override
    public String feature() {
        return feature;
    }

    @Override
    public GuardState state() {
        return status.get().state;
    }

    @Override
    public GuardConfig config() {
        return config;
    }

    @Override
    public void rollback(String reason) {
        Objects.requireNonNull(reason, "reason");
        // Escaped here, where it enters, so that the log, the events and the ledger get one line.
        rollback(reason.isBlank() ? "rolled back by hand" : LedgerText.reason(reason), RollbackActors.MANUAL, null);
    }

    private void rollback(String reason, String actor, @Nullable Evidence evidence) {
        rollback(reason, actor, evidence, null);
    }

    /** Rolls back unless rolled back already; returns whether this call did. */
    private boolean rollback(String reason, String actor, @Nullable Evidence evidence, @Nullable RollbackScope fixedScope) {
        Status previous = status.get();
        while (previous.state != GuardState.ROLLED_BACK) {
            long now = clock.wallTime();
            if (status.compareAndSet(previous, new Status(GuardState.ROLLED_BACK, reason, now))) {
                RollbackScope scope = fixedScope != null ? fixedScope
                        : calledWithoutOldPath ? RollbackScope.INSTANCE : RollbackScope.FEATURE;
                Instant time = Instant.ofEpochMilli(now);
                callbacks.stateChanged(new StateTransitionEvent(feature, previous.state, GuardState.ROLLED_BACK,
                        time, reason));
                callbacks.rolledBack(new RollbackEvent(feature, reason, time, scope, actor, evidence));
                log.warn("Feature '{}' rolled back by {} ({} scope): {}", feature, actor, scope, reason);
                return true;
            }
            previous = status.get();
        }
        return false;
    }

    @Override
    public void reinstate() {
        Status previous = status.get();
        if (previous.state != GuardState.ROLLED_BACK) {
            return;
        }
        String reason = "reinstated";
        long now = clock.wallTime();
        if (status.compareAndSet(previous, new Status(GuardState.OFF, reason, now))) {
            synchronized (judge) {
                judge.reset();
            }
            breaker.reset();
            calledWithoutOldPath = false;
            callbacks.stateChanged(new StateTransitionEvent(feature, GuardState.ROLLED_BACK, GuardState.OFF,
                    Instant.ofEpochMilli(now), reason));
            callbacks.reinstated(feature);
            log.info("Feature '{}' reinstated; judging starts afresh", feature);
        }
    }

    /**
     * Told that the flag changed: a feature that is rolling out goes back to {@link GuardState#OFF} if
     * its flag is now off for every call.
     */
    public void flagChanged() {
        if (status.get().state == GuardState.ROLLING_OUT && !flagActive()) {
            transition(GuardState.ROLLING_OUT, GuardState.OFF, "flag turned off");
        }
    }

    private boolean flagActive() {
        try {
            return flags.isActive(feature);
        } catch (RuntimeException e) {
            return true;
        }
    }

    private void transition(GuardState from, GuardState to, String reason) {
        Status previous = status.get();
        long now = clock.wallTime();
        if (previous.state == from && status.compareAndSet(previous, new Status(to, reason, now))) {
            callbacks.stateChanged(new StateTransitionEvent(feature, from, to, Instant.ofEpochMilli(now), reason));
        }
    }

    /**
     * Returns this feature's line in the health report.
     *
     * @return the line
     */
    public FeatureHealth health() {
        Status s = status.get();
        String reason = s.reason;
        if (s.state == GuardState.ROLLING_OUT && !calledWithoutOldPath && !concurrentControl()) {
            reason += NO_CONCURRENT_CONTROL;
        }
        return new FeatureHealth(feature, s.state, reason, Instant.ofEpochMilli(s.sinceMillis),
                !calledWithoutOldPath);
    }

    private boolean concurrentControl() {
        synchronized (judge) {
            return judge.concurrentControl();
        }
    }

    /**
     * Returns the circuit breaker of the new path. Subscribing to its events makes Resilience4j
     * allocate an event on every guarded call; read its metrics instead.
     *
     * @return the breaker
     */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /** Removes the guard's meters. */
    @Override
    public void close() {
        registered.forEach(meters::remove);
        registered.clear();
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @Override
    public String toString() {
        return "ReleaseGuard{feature=" + feature + ", state=" + state() + '}';
    }
}
