package dev.rollback.core.judge;

import dev.rollback.core.RollbackFleet;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.fleet.Fleet;
import dev.rollback.core.fleet.FleetBlock;
import dev.rollback.core.fleet.FleetConfig;
import dev.rollback.core.fleet.FleetScope;
import dev.rollback.core.fleet.FleetStore;
import dev.rollback.core.fleet.FleetVerdict;
import dev.rollback.core.fleet.ForwardingFleetStore;
import dev.rollback.core.fleet.InMemoryFleetStore;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.judge.Simulation.Path;
import dev.rollback.core.judge.Simulation.SimulatedFailure;
import dev.rollback.core.judge.Simulation.World;
import dev.rollback.core.judge.Simulation.WorldModel;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The judge lab for a fleet: instances, each with its own registry, guard, clock and flag source
 * (50/50), call at Poisson times in one virtual time line and publish to one store through their
 * {@link Fleet} every second. What hits both paths alike (a {@link World}) hits every instance at once.
 * Perturbations: one instance with three times the error rate on both paths, one instance leaving and
 * a new one joining every minute, every publication held back a random 0 to {@code maxDelay} seconds,
 * and every other instance's clock {@code skew} seconds ahead. Seeded: the same seed gives the same
 * run. No sleeping, no threads of its own.
 */
final class FleetLab {

    static final String FEATURE = "feature";
    private static final String SERVICE = "lab";
    private static final FleetScope SCOPE = new FleetScope(SERVICE, "1");

    /**
     * How the fleet runs and what disturbs it.
     *
     * @param instances      instances at any time
     * @param callsPerSecond each instance's calls per second
     * @param hotInstance    whether one instance has three times the error rate on both paths
     * @param churn          whether one instance leaves and another joins every minute
     * @param maxDelay       the longest a publication is held back, in seconds
     * @param skew           how far every other instance's clock is ahead, in seconds
     * @param fleet          whether the fleet judge runs (else only the local judges)
     */
    record Setup(int instances, double callsPerSecond, boolean hotInstance, boolean churn, double maxDelay,
                 double skew, boolean fleet) {

        static Setup fleetOf(int instances) {
            return new Setup(instances, 10, false, false, 0, 0, true);
        }

        static Setup single() {
            return new Setup(1, 10, false, false, 0, 0, false);
        }

        Setup disturbed() {
            return new Setup(instances, callsPerSecond, true, true, 5, 2, fleet);
        }
    }

    /**
     * What one run saw.
     *
     * @param fleetVerdictSeconds virtual seconds to the first fleet verdict, or infinite
     * @param firstLocalSeconds   virtual seconds to the first local rollback by an instance's own judge, or
     *                            infinite
     * @param verdict             the fleet verdict, or {@code null}
     */
    record Run(double fleetVerdictSeconds, double firstLocalSeconds, FleetVerdict verdict) {
    }

    private FleetLab() {
    }

    /** One instance of the fleet. */
    private static final class Instance implements AutoCloseable {
        final MockClock clock = new MockClock();
        final long skewNanos;
        final boolean hot;
        final RollbackRegistry registry;
        final ReleaseGuard guard;
        final Fleet fleet;
        double nextCall;
        double nextPublish;

        Instance(String id, SplittableRandom random, double now, double skew, boolean hot, FleetStore store) {
            this.skewNanos = (long) (skew * 1e9);
            this.hot = hot;
            this.registry = RollbackRegistry.builder()
                    .meterRegistry(new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock))
                    .flagSource(new InMemoryFlagSource(random.split()).rollout(FEATURE, 50))
                    .service(SCOPE.service(), SCOPE.version())
                    .instanceId(id)
                    .build();
            this.guard = registry.guard(FEATURE);
            this.fleet = store == null ? null : RollbackFleet.create(registry, store, FleetConfig.ofDefaults());
            advanceTo(now);
            this.nextPublish = now + random.nextDouble();
        }

        void advanceTo(double seconds) {
            long wanted = (long) (seconds * 1e9) + skewNanos;
            long ahead = wanted - clock.monotonicTime();
            if (ahead > 0) {
                clock.add(ahead, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void close() {
            if (fleet != null) {
                fleet.close();
            }
            registry.close();
        }
    }

    /**
     * A store whose publications become visible a random 0 to {@code maxDelay} seconds after they
     * were made, in the lab's time line; reads see only what is visible.
     */
    private static final class DelayedStore extends ForwardingFleetStore {
        private record Publication(double visibleAt, String instance, Instant heartbeat, List<FleetBlock> blocks) {
        }

        private final ArrayList<Publication> held = new ArrayList<>();
        private final double maxDelay;
        private final SplittableRandom random;
        private double now;

        DelayedStore(double maxDelay, SplittableRandom random) {
            super(new InMemoryFleetStore());
            this.maxDelay = maxDelay;
            this.random = random;
        }

        void advanceTo(double seconds) {
            now = seconds;
            held.removeIf(p -> {
                if (p.visibleAt <= now) {
                    super.publish(SCOPE, p.instance, p.heartbeat, p.blocks);
                    return true;
                }
                return false;
            });
        }

        @Override
        public void publish(FleetScope scope, String instance, Instant heartbeat, List<FleetBlock> blocks) {
            held.add(new Publication(now + maxDelay * random.nextDouble(), instance, heartbeat, blocks));
            advanceTo(now);
        }
    }

    /**
     * Runs the fleet for at most {@code maxSeconds}, or, if {@code stopAtVerdict}, until the fleet
     * verdict (with the fleet judge) or the first local rollback (without): a local rollback on one
     * instance rolls back that instance only, and the fleet goes on.
     */
    static Run run(long seed, Setup setup, Path oldPath, Path newPath, WorldModel worldModel, double maxSeconds,
                   boolean stopAtVerdict) {
        SplittableRandom random = new SplittableRandom(seed);
        World world = worldModel.create(random.split());
        DelayedStore store = new DelayedStore(setup.maxDelay(), random.split());
        List<Instance> instances = new ArrayList<>();
        ArrayDeque<Instance> closed = new ArrayDeque<>();
        int joined = 0;
        double fleetSeconds = Double.POSITIVE_INFINITY;
        double localSeconds = Double.POSITIVE_INFINITY;
        FleetVerdict verdict = null;
        long[] counts = new long[2];
        try {
            for (; joined < setup.instances(); joined++) {
                instances.add(instance(joined, setup, random, 0, store));
            }
            double nextChurn = 60;
            double t = 0;
            while (t < maxSeconds) {
                Instance next = null;
                boolean publish = false;
                for (Instance instance : instances) {
                    if (next == null || instance.nextCall < t(next, publish)) {
                        next = instance;
                        publish = false;
                    }
                    if (setup.fleet() && instance.nextPublish < t(next, publish)) {
                        next = instance;
                        publish = true;
                    }
                }
                t = t(next, publish);
                if (setup.churn() && t >= nextChurn) {
                    Instance leaving = instances.remove(1 + random.nextInt(instances.size() - 1));
                    closed.add(leaving);
                    instances.add(instance(joined++, setup, random, nextChurn, store));
                    nextChurn += 60;
                    continue;
                }
                next.advanceTo(t);
                store.advanceTo(t);
                if (publish) {
                    next.nextPublish += 1;
                    next.fleet.runOnce();
                    if (verdict == null) {
                        verdict = store.latestVerdict(SCOPE, FEATURE).orElse(null);
                        if (verdict != null) {
                            fleetSeconds = t;
                        }
                    }
                } else {
                    next.nextCall += -Math.log(1 - random.nextDouble()) / setup.callsPerSecond();
                    boolean wasRolledBack = next.guard.state() == GuardState.ROLLED_BACK;
                    call(next, oldPath, newPath, world, t, random, counts);
                    if (!wasRolledBack && next.guard.state() == GuardState.ROLLED_BACK && verdict == null
                            && Double.isInfinite(localSeconds)) {
                        localSeconds = t;
                    }
                }
                if (stopAtVerdict && (setup.fleet() ? fleetSeconds : localSeconds) < Double.POSITIVE_INFINITY) {
                    break;
                }
            }
        } finally {
            instances.forEach(Instance::close);
            closed.forEach(Instance::close);
        }
        return new Run(fleetSeconds, localSeconds, verdict);
    }

    private static double t(Instance instance, boolean publish) {
        return publish ? instance.nextPublish : instance.nextCall;
    }

    private static Instance instance(int index, Setup setup, SplittableRandom random, double now, DelayedStore store) {
        Instance instance = new Instance("instance-" + index, random, now, index % 2 == 1 ? setup.skew() : 0,
                setup.hotInstance() && index == 0, setup.fleet() ? store : null);
        instance.nextCall = now + -Math.log(1 - random.nextDouble()) / setup.callsPerSecond();
        return instance;
    }

    private static void call(Instance instance, Path oldPath, Path newPath, World world, double t,
                             SplittableRandom random, long[] counts) {
        Path oldNow = instance.hot ? oldPath.failing(Math.min(1, 3 * oldPath.errorRate())) : oldPath;
        Path newNow = instance.hot ? newPath.failing(Math.min(1, 3 * newPath.errorRate())) : newPath;
        double factor = world.latencyFactor(t);
        double shared = world.sharedErrorRate(t);
        try {
            instance.guard.call(() -> Simulation.step(newNow, factor, shared, random, instance.clock, counts, 0),
                    () -> Simulation.step(oldNow, factor, shared, random, instance.clock, counts, 1));
        } catch (SimulatedFailure e) {
            // The caller saw the failure; the guard has recorded it.
        }
    }
}
