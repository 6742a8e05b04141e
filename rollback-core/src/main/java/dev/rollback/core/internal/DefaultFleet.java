package dev.rollback.core.internal;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.fleet.Fleet;
import dev.rollback.core.fleet.FleetBlock;
import dev.rollback.core.fleet.FleetConfig;
import dev.rollback.core.fleet.FleetScope;
import dev.rollback.core.fleet.FleetStore;
import dev.rollback.core.fleet.FleetVerdict;
import dev.rollback.core.fleet.PooledBlocks;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.judge.Evidence;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.core.metrics.RollbackMetricNames;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Fleet} behind {@code dev.rollback.core.RollbackFleet}: every publish interval it takes
 * each guard's pairs of the interval as one block, publishes the pending blocks with a heartbeat,
 * then brings its running totals of the fleet's pooled blocks of each feature this instance is rolling
 * out up to date ({@link RunningPool}, which reads only the blocks of about the last {@code staleAfter})
 * and tests them ({@link PooledTest}); see {@link dev.rollback.core.fleet} for the test and where it runs.
 */
public final class DefaultFleet implements Fleet {

    private static final Logger log = LoggerFactory.getLogger(DefaultFleet.class);

    private final RollbackRegistry registry;
    private final FleetStore store;
    private final FleetConfig config;
    private final Clock clock;
    private final MeterRegistry meters;
    private final FleetScope scope;
    private final String instance;
    private final ArrayDeque<FleetBlock> pending = new ArrayDeque<>();
    private final Map<String, FeatureView> features = new ConcurrentHashMap<>();
    private final List<Meter> registered = new CopyOnWriteArrayList<>();
    private final Counter publishFailures;
    private final Counter dropped;
    private final Object lock = new Object();
    private volatile ScheduledExecutorService thread;
    private Instant blockStart;
    private final Instant joined;
    private volatile int liveInstances;
    private boolean failing;

    /** What the fleet knows of one feature; read by the meters. */
    private static final class FeatureView {
        volatile int seenEpoch = -1;
        /** The epoch of the last verdict whose blocks this instance deleted; on the fleet's thread only. */
        int prunedEpoch;
        volatile double errorLogEvidence;
        volatile double latencyLogEvidence;
        volatile long pairs;
        volatile int contributors;
        volatile FleetVerdict verdict;
        /** The running totals while the feature rolls out; on the fleet's thread only. */
        RunningPool pool;
    }

    /**
     * Creates the member; {@link #start()} gives it a thread of its own.
     *
     * @param registry the instance's registry; its meter registry's clock is the only time read
     * @param store    the store the fleet shares
     * @param config   the configuration
     */
    public DefaultFleet(RollbackRegistry registry, FleetStore store, FleetConfig config) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.meters = registry.meterRegistry();
        this.clock = meters.config().clock();
        this.scope = new FleetScope(registry.service(), registry.version());
        this.instance = registry.health().instance();
        this.blockStart = now();
        this.joined = blockStart;
        this.publishFailures = register(Counter.builder(RollbackMetricNames.FLEET_PUBLISH_FAILURES)
                .description("Times the fleet store could not be reached; the blocks wait and are published later")
                .register(meters));
        this.dropped = register(Counter.builder(RollbackMetricNames.FLEET_DROPPED)
                .description("Blocks dropped unpublished because too many waited while the fleet store was down")
                .register(meters));
        register(Gauge.builder(RollbackMetricNames.FLEET_INSTANCES, this, f -> f.liveInstances)
                .description("Instances of this version of the service whose heartbeat is fresh, as last read from the fleet store")
                .register(meters));
        register(Gauge.builder(RollbackMetricNames.FLEET_PENDING, this, DefaultFleet::pendingBlocks)
                .description("Blocks waiting to be published to the fleet store")
                .register(meters));
    }

    /**
     * Starts the thread that runs {@link #runOnce()} every publish interval until {@link #close()}.
     *
     * @return this member
     */
    public DefaultFleet start() {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rollback-fleet");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, config.publishInterval().toMillis());
        thread.scheduleWithFixedDelay(this::runOnce, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void runOnce() {
        synchronized (lock) {
            Instant now = now();
            takeBlocks(now);
            try {
                store.publish(scope, instance, now, List.copyOf(pending));
                pending.clear();
                liveInstances = store.liveInstances(scope, now.minus(config.staleAfter())).size();
                for (ReleaseGuard guard : registry.guards()) {
                    if (guard instanceof DefaultReleaseGuard g) {
                        judge(g, now);
                    }
                }
                if (failing) {
                    failing = false;
                    log.info("Fleet store reachable again: instance {} publishes its blocks and judges with the fleet",
                            instance);
                }
            } catch (RuntimeException e) {
                publishFailures.increment();
                if (!failing) {
                    failing = true;
                    log.warn("Fleet store not reachable: instance {} keeps its blocks and judges alone until it is"
                            + " ({})", instance, e.toString());
                }
            }
        }
    }

    private void takeBlocks(Instant now) {
        for (ReleaseGuard guard : registry.guards()) {
            if (guard instanceof DefaultReleaseGuard g) {
                FleetBlock block = g.takePairs(instance, blockStart, now);
                if (block != null) {
                    if (pending.size() == config.maximumPendingBlocks()) {
                        pending.removeFirst();
                        dropped.increment();
                    }
                    pending.addLast(block);
                }
            }
        }
        blockStart = now;
    }

    private void judge(DefaultReleaseGuard guard, Instant now) {
        String feature = guard.feature();
        FeatureView view = view(feature);
        Optional<FleetVerdict> latest = store.latestVerdict(scope, feature);
        int epoch = latest.map(FleetVerdict::epoch).orElse(0);
        latest.ifPresent(verdict -> prune(view, verdict, now));
        if (view.seenEpoch < 0 && !(latest.isPresent() && applies(latest.get()))) {
            view.seenEpoch = epoch;
        } else if (epoch > view.seenEpoch) {
            follow(guard, view, latest.get());
            return;
        }
        if (guard.state() != GuardState.ROLLING_OUT) {
            view.pool = null; // a reinstated feature starts its totals afresh
            return;
        }
        if (view.pool == null) {
            view.pool = new RunningPool(config.staleAfter());
        }
        PooledBlocks pooled = view.pool.refresh(store, scope, feature,
                latest.map(FleetVerdict::lastBlockId).orElse(0L), clock);
        Optional<FleetBlock> total = pooled.total();
        view.contributors = pooled.instances().size();
        view.pairs = total.map(FleetBlock::pairs).orElse(0L);
        if (total.isEmpty()) {
            view.errorLogEvidence = 0;
            view.latencyLogEvidence = 0;
            return;
        }
        Evidence errors = PooledTest.errorRate(total.get(), guard.config());
        Evidence latency = PooledTest.latency(total.get(), guard.config());
        view.errorLogEvidence = errors.logEvidence();
        view.latencyLogEvidence = latency == null ? 0 : latency.logEvidence();
        Evidence verdict = PooledTest.isVerdict(errors) ? errors : PooledTest.isVerdict(latency) ? latency : null;
        if (verdict == null) {
            return;
        }
        FleetVerdict reached = new FleetVerdict(feature, epoch + 1, pooled.lastBlockId(), instance, now,
                verdict.summary(), pooled.instanceIds());
        if (store.recordVerdict(scope, reached)) {
            view.seenEpoch = reached.epoch();
            view.verdict = reached;
            if (!guard.rollbackByFleet(reached.summary(), verdict, true)) {
                // Rolled back here already (this instance's own judge came first): the fleet's one record
                // is written on its own; the kill switch acted on the local rollback.
                registry.recordRollback(feature, reached.summary(), RollbackScope.FLEET, RollbackActors.FLEET_JUDGE);
            }
        } else {
            store.latestVerdict(scope, feature).ifPresent(v -> follow(guard, view, v));
        }
    }

    /**
     * Deletes the blocks a verdict closed, once per epoch, when it is {@code staleAfter} old: no round
     * pools them again, since every round reads the latest verdict first and pools only the blocks
     * after it. The age only keeps the blocks for a round that read the previous verdict a moment
     * before; it is the deciding instance's time against this one's, which a skew of a few seconds
     * only shifts. Blocks of an epoch no verdict closed stay: deleting them could change a verdict.
     */
    private void prune(FeatureView view, FleetVerdict verdict, Instant now) {
        if (verdict.epoch() > view.prunedEpoch && verdict.time().isBefore(now.minus(config.staleAfter()))) {
            store.deleteBlocks(scope, verdict.feature(), verdict.lastBlockId());
            view.prunedEpoch = verdict.epoch();
        }
    }

    /**
     * Whether a verdict seen for the first time concerns this instance: it pooled this instance's pairs,
     * or it was reached since this instance joined (less {@code staleAfter}, for clock skew). An older
     * one was followed, or reinstated, before this instance took part.
     */
    private boolean applies(FleetVerdict verdict) {
        return verdict.instances().contains(instance) || !verdict.time().isBefore(joined.minus(config.staleAfter()));
    }

    private void follow(DefaultReleaseGuard guard, FeatureView view, FleetVerdict verdict) {
        view.seenEpoch = verdict.epoch();
        view.verdict = verdict;
        guard.rollbackByFleet(verdict.summary(), null, false);
    }

    private FeatureView view(String feature) {
        return features.computeIfAbsent(feature, f -> {
            FeatureView view = new FeatureView();
            registerFeatureMeters(f, view);
            return view;
        });
    }

    private void registerFeatureMeters(String feature, FeatureView view) {
        register(Gauge.builder(RollbackMetricNames.FLEET_EVIDENCE, view, v -> v.errorLogEvidence)
                .description("The fleet judge's log e-value of a regression on the pooled pairs of every instance")
                .tag(RollbackMetricNames.TAG_FEATURE, feature)
                .tag(RollbackMetricNames.TAG_CRITERION, "error_rate")
                .register(meters));
        register(Gauge.builder(RollbackMetricNames.FLEET_EVIDENCE, view, v -> v.latencyLogEvidence)
                .description("The fleet judge's log e-value of a regression on the pooled pairs of every instance")
                .tag(RollbackMetricNames.TAG_FEATURE, feature)
                .tag(RollbackMetricNames.TAG_CRITERION, "latency")
                .register(meters));
        register(Gauge.builder(RollbackMetricNames.FLEET_PAIRS, view, v -> v.pairs)
                .description("Pairs of this service version pooled by the fleet judge since the feature's last fleet verdict")
                .tag(RollbackMetricNames.TAG_FEATURE, feature)
                .register(meters));
        register(Gauge.builder(RollbackMetricNames.FLEET_CONTRIBUTORS, view, v -> v.contributors)
                .description("Instances whose pairs the fleet judge pooled since the feature's last fleet verdict")
                .tag(RollbackMetricNames.TAG_FEATURE, feature)
                .register(meters));
    }

    @Override
    public Optional<FleetVerdict> verdict(String feature) {
        FeatureView view = features.get(feature);
        return Optional.ofNullable(view == null ? null : view.verdict);
    }

    private int pendingBlocks() {
        synchronized (lock) {
            return pending.size();
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.wallTime());
    }

    private <M extends Meter> M register(M meter) {
        registered.add(meter);
        return meter;
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(config.publishInterval().toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            takeBlocks(now());
            try {
                store.publish(scope, instance, now(), List.copyOf(pending));
                pending.clear();
            } catch (RuntimeException e) {
                log.warn("Fleet store not reachable on close: {} block(s) of instance {} are not published ({})",
                        pending.size(), instance, e.toString());
            }
        }
        registered.forEach(meters::remove);
        registered.clear();
    }

    @Override
    public String toString() {
        return "DefaultFleet{scope=" + scope + ", instance=" + instance + ", live=" + liveInstances + '}';
    }
}
