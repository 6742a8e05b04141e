package dev.rollback.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.RollbackFleet;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.health.FeatureHealth;
import dev.rollback.core.internal.PooledTest;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.JdbcFleetStore;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.core.metrics.RollbackMetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet judge in virtual time: pooled pairs of several registries reach a verdict none reaches
 * alone; it is recorded once and followed by every instance; the local judge goes on when the store
 * is down.
 */
class FleetTest {

    private static final String FEATURE = "checkout-v2";
    private static final FleetScope SCOPE = new FleetScope("checkout", "2.0.0");

    private final MockClock clock = new MockClock();
    private final InMemoryFlagSource flags = new InMemoryFlagSource().rollout(FEATURE, 50);
    private final InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private RollbackRegistry registry(String instance) {
        RollbackRegistry registry = RollbackRegistry.builder()
                .meterRegistry(new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock))
                .flagSource(flags)
                .ledger(ledger)
                .service("checkout", "2.0.0")
                .instanceId(instance)
                .build();
        open.push(registry);
        return registry;
    }

    private Fleet fleet(RollbackRegistry registry, FleetStore store) {
        Fleet fleet = RollbackFleet.create(registry, store, FleetConfig.ofDefaults());
        open.push(fleet);
        return fleet;
    }

    /** Makes {@code pairs} pairs in which the new call fails and the old one succeeds, 10 ms apart. */
    private void failingPairs(ReleaseGuard guard, int pairs) {
        String newKey = key(true);
        String oldKey = key(false);
        for (int i = 0; i < pairs; i++) {
            call(guard, newKey);
            call(guard, oldKey);
        }
    }

    private void call(ReleaseGuard guard, String key) {
        clock.add(10, TimeUnit.MILLISECONDS);
        guard.call(key, () -> {
            throw new IllegalStateException("new path broken");
        }, () -> "old");
    }

    /** A stickiness key that the 50% rollout sends to the new path, or to the old one. */
    private String key(boolean newPath) {
        for (int i = 0; ; i++) {
            if (flags.isEnabled(FEATURE, "user-" + i) == newPath) {
                return "user-" + i;
            }
        }
    }

    /** Seven failing pairs on each instance, too few for a local judge, make a fleet verdict in two rounds. */
    private List<Fleet> reachAFleetVerdict(FleetStore store, List<RollbackRegistry> registries) {
        List<Fleet> fleets = registries.stream().map(r -> fleet(r, store)).toList();
        registries.forEach(r -> failingPairs(r.guard(FEATURE), 7));
        clock.add(Duration.ofSeconds(1));
        fleets.forEach(Fleet::runOnce);
        fleets.forEach(Fleet::runOnce);
        return fleets;
    }

    @Test
    void deletesTheBlocksAVerdictClosedOnceItIsStaleAfterOldAndKeepsTheNextEpochsPool() {
        InMemoryFleetStore store = new InMemoryFleetStore();
        List<RollbackRegistry> registries = List.of(registry("a"), registry("b"), registry("c"));
        List<Fleet> fleets = reachAFleetVerdict(store, registries);
        FleetVerdict verdict = store.latestVerdict(SCOPE, FEATURE).orElseThrow();
        Instant now = Instant.ofEpochMilli(clock.wallTime());
        store.publish(SCOPE, "d", now, List.of(new FleetBlock(FEATURE, "d", now, now.plusSeconds(1), 4, 1, 0, 3,
                0.1, 0.01, 9.0)));
        PooledBlocks nextEpoch = store.pooled(SCOPE, FEATURE, verdict.lastBlockId());
        List<PublishedBlock> all = store.blocks(SCOPE, FEATURE, 0);
        List<PublishedBlock> kept = store.blocks(SCOPE, FEATURE, verdict.lastBlockId());
        assertThat(kept).hasSizeBetween(1, all.size() - 1);

        clock.add(FleetConfig.DEFAULT_STALE_AFTER.minusSeconds(1));
        fleets.forEach(Fleet::runOnce);
        assertThat(store.blocks(SCOPE, FEATURE, 0)).isEqualTo(all);

        clock.add(Duration.ofSeconds(2));
        fleets.forEach(Fleet::runOnce);
        assertThat(store.blocks(SCOPE, FEATURE, 0)).isEqualTo(kept);
        assertThat(store.pooled(SCOPE, FEATURE, verdict.lastBlockId())).isEqualTo(nextEpoch);
        assertThat(store.latestVerdict(SCOPE, FEATURE)).contains(verdict);
    }

    @Test
    void poolsPairsNoInstanceCouldJudgeAloneAndRollsBackEveryInstanceOnce() {
        InMemoryFleetStore store = new InMemoryFleetStore();
        List<RollbackRegistry> registries = List.of(registry("a"), registry("b"), registry("c"));
        List<Fleet> fleets = registries.stream().map(r -> fleet(r, store)).toList();

        for (RollbackRegistry registry : registries) {
            failingPairs(registry.guard(FEATURE), 7);
            // Seven discordant pairs are too few for the local judge.
            assertThat(registry.guard(FEATURE).state()).isEqualTo(GuardState.ROLLING_OUT);
        }
        clock.add(Duration.ofSeconds(1));
        fleets.forEach(Fleet::runOnce);
        fleets.forEach(Fleet::runOnce);

        FleetVerdict verdict = store.latestVerdict(SCOPE, FEATURE).orElseThrow();
        assertThat(verdict.epoch()).isEqualTo(1);
        assertThat(verdict.evidence()).startsWith("error rate 100.00%");
        for (int i = 0; i < 3; i++) {
            RollbackRegistry registry = registries.get(i);
            assertThat(registry.guard(FEATURE).state()).isEqualTo(GuardState.ROLLED_BACK);
            assertThat(fleets.get(i).verdict(FEATURE)).contains(verdict);
            FeatureHealth health = registry.health().features().get(0);
            assertThat(health.reason()).startsWith("fleet regression (verdict 1 by " + verdict.decidedBy());
        }
        assertThat(verdict.instances()).containsAnyOf("a", "b", "c").isSubsetOf("a", "b", "c");
        // The in-memory flag source is this process's kill switch: the flag is off.
        assertThat(flags.percentage(FEATURE)).isZero();

        registries.forEach(RollbackRegistry::close);
        List<RollbackRecord> records = registries.stream()
                .flatMap(r -> ledger.rollbacks(r.deployment().id()).stream())
                .toList();
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.scope()).isEqualTo(RollbackScope.FLEET);
            assertThat(r.actor()).isEqualTo(RollbackActors.FLEET_JUDGE);
            assertThat(r.feature()).isEqualTo(FEATURE);
            assertThat(r.reason()).contains(verdict.evidence()).contains(verdict.instances().toString());
        });
    }

    /** Makes {@code pairs} pairs in which both calls succeed, 10 ms apart: no difference between the paths. */
    private void healthyPairs(ReleaseGuard guard, String newKey, String oldKey, int pairs) {
        for (int i = 0; i < pairs; i++) {
            for (String k : List.of(newKey, oldKey)) {
                clock.add(10, TimeUnit.MILLISECONDS);
                guard.call(k, () -> "new", () -> "old");
            }
        }
    }

    @Test
    void doesNotPoolTheBlocksOfAnotherVersionOfTheService() {
        InMemoryFleetStore store = new InMemoryFleetStore();
        // An earlier release's rollout of the same feature name, long gone: 77% errors on its new path.
        FleetScope earlier = new FleetScope("checkout", "1.9.0");
        for (int i = 1; i <= 7; i++) {
            String old = "old-" + i;
            Instant now = Instant.ofEpochMilli(clock.wallTime());
            store.publish(earlier, old, now, List.of(new FleetBlock(FEATURE, old, now, now, 100, 77, 0, 23, 0, 0, 0)));
        }
        List<RollbackRegistry> registries = List.of(registry("a"), registry("b"), registry("c"));
        List<Fleet> fleets = registries.stream().map(r -> fleet(r, store)).toList();
        String newKey = key(true);
        String oldKey = key(false);

        for (int second = 0; second < 5; second++) {
            registries.forEach(r -> healthyPairs(r.guard(FEATURE), newKey, oldKey, 10));
            clock.add(Duration.ofSeconds(1));
            fleets.forEach(Fleet::runOnce);
        }

        assertThat(store.latestVerdict(SCOPE, FEATURE)).isEmpty();
        assertThat(flags.percentage(FEATURE)).isEqualTo(50);
        registries.forEach(r -> assertThat(r.guard(FEATURE).state()).isEqualTo(GuardState.ROLLING_OUT));
        // c judged last, when every instance had published its blocks.
        MeterRegistry meters = registries.get(2).meterRegistry();
        assertThat(meters.get(RollbackMetricNames.FLEET_PAIRS).gauge().value()).isEqualTo(150);
        assertThat(meters.get(RollbackMetricNames.FLEET_CONTRIBUTORS).gauge().value()).isEqualTo(3);
        assertThat(meters.get(RollbackMetricNames.FLEET_INSTANCES).gauge().value()).isEqualTo(3);
        assertThat(store.pooled(earlier, FEATURE, 0).total().orElseThrow().newOnlyFailures()).isEqualTo(7 * 77);
    }

    @Test
    void poolsTheBlocksAnInstanceOfTheSameVersionPublishedBeforeItRestarted() {
        InMemoryFleetStore store = new InMemoryFleetStore();
        RollbackRegistry before = registry("a");
        Fleet fleetBefore = fleet(before, store);
        failingPairs(before.guard(FEATURE), 7);
        clock.add(Duration.ofSeconds(1));
        fleetBefore.runOnce();
        fleetBefore.close();
        before.close();
        assertThat(store.latestVerdict(SCOPE, FEATURE)).as("seven pairs are too few, pooled or not").isEmpty();

        clock.add(Duration.ofMinutes(5));
        RollbackRegistry restarted = registry("a");
        Fleet fleet = fleet(restarted, store);
        failingPairs(restarted.guard(FEATURE), 7);
        assertThat(restarted.guard(FEATURE).state()).isEqualTo(GuardState.ROLLING_OUT);
        clock.add(Duration.ofSeconds(1));
        fleet.runOnce();

        FleetVerdict verdict = store.latestVerdict(SCOPE, FEATURE).orElseThrow();
        assertThat(verdict.instances()).containsExactly("a");
        assertThat(verdict.evidence()).startsWith("error rate 100.00%");
        assertThat(restarted.guard(FEATURE).state()).isEqualTo(GuardState.ROLLED_BACK);
        assertThat(store.pooled(SCOPE, FEATURE, 0).total().orElseThrow().pairs()).isEqualTo(14);
    }

    @Test
    void poolsOnlyThePairsAfterTheVerdictOnceTheFeatureIsReinstated() {
        InMemoryFleetStore store = new InMemoryFleetStore();
        List<RollbackRegistry> registries = List.of(registry("a"), registry("b"), registry("c"));
        List<Fleet> fleets = reachAFleetVerdict(store, registries);
        FleetVerdict verdict = store.latestVerdict(SCOPE, FEATURE).orElseThrow();
        RollbackRegistry a = registries.get(0);
        assertThat(a.guard(FEATURE).state()).isEqualTo(GuardState.ROLLED_BACK);

        a.guard(FEATURE).reinstate();
        flags.rollout(FEATURE, 50);
        succeedingPairs(a.guard(FEATURE), 2);
        clock.add(Duration.ofSeconds(1));
        fleets.get(0).runOnce();
        succeedingPairs(a.guard(FEATURE), 1);
        clock.add(Duration.ofSeconds(1));
        fleets.get(0).runOnce();

        assertThat(a.guard(FEATURE).state()).isEqualTo(GuardState.ROLLING_OUT);
        // a's 3 new pairs, and the blocks of instances that published after the verdict's last block.
        PooledBlocks sinceVerdict = store.pooled(SCOPE, FEATURE, verdict.lastBlockId());
        assertThat(sinceVerdict.instances()).filteredOn(b -> b.instance().equals("a"))
                .singleElement().extracting(FleetBlock::pairs).isEqualTo(3L);
        assertThat(a.meterRegistry().get(RollbackMetricNames.FLEET_PAIRS).tag("feature", FEATURE).gauge().value())
                .isEqualTo(sinceVerdict.total().orElseThrow().pairs());
        assertThat(a.meterRegistry().get(RollbackMetricNames.FLEET_CONTRIBUTORS).gauge().value())
                .isEqualTo(sinceVerdict.instances().size());
    }

    /** Makes {@code pairs} pairs in which both calls succeed, 10 ms apart. */
    private void succeedingPairs(ReleaseGuard guard, int pairs) {
        String newKey = key(true);
        String oldKey = key(false);
        for (int i = 0; i < pairs; i++) {
            clock.add(10, TimeUnit.MILLISECONDS);
            guard.call(newKey, () -> "new", () -> "old");
            clock.add(10, TimeUnit.MILLISECONDS);
            guard.call(oldKey, () -> "new", () -> "old");
        }
    }

    @Test
    void publishesMetersOfThePooledState() {
        InMemoryFleetStore store = new InMemoryFleetStore();
        RollbackRegistry a = registry("a");
        RollbackRegistry b = registry("b");
        Fleet fleetA = fleet(a, store);
        Fleet fleetB = fleet(b, store);
        failingPairs(a.guard(FEATURE), 3);
        failingPairs(b.guard(FEATURE), 2);

        fleetA.runOnce();
        clock.add(Duration.ofSeconds(31));
        fleetB.runOnce();

        MeterRegistry meters = b.meterRegistry();
        assertThat(meters.get(RollbackMetricNames.FLEET_PAIRS).tag("feature", FEATURE).gauge().value()).isEqualTo(5);
        assertThat(meters.get(RollbackMetricNames.FLEET_CONTRIBUTORS).gauge().value()).isEqualTo(2);
        // a's heartbeat is 31 s old: it counts as gone, while its pairs stay counted.
        assertThat(meters.get(RollbackMetricNames.FLEET_INSTANCES).gauge().value()).isEqualTo(1);
        assertThat(meters.get(RollbackMetricNames.FLEET_EVIDENCE).tag("criterion", "error_rate").gauge().value())
                .isEqualTo(PooledTest.logErrorEvidence(5, 0));
        assertThat(a.guard(FEATURE).state()).isEqualTo(GuardState.ROLLING_OUT);
    }

    @Test
    void localJudgeGoesOnAloneWhileTheStoreIsDownAndThePairsArePublishedWhenItIsBack() {
        String name = "fleet-down-" + UUID.randomUUID();
        JdbcDataSource unreachable = new JdbcDataSource();
        unreachable.setURL("jdbc:h2:mem:" + name + ";IFEXISTS=TRUE");
        RollbackRegistry registry = registry("a");
        Fleet fleet = fleet(registry, new JdbcFleetStore(unreachable));
        ReleaseGuard guard = registry.guard(FEATURE);

        failingPairs(guard, 3);
        fleet.runOnce();
        MeterRegistry meters = registry.meterRegistry();
        assertThat(meters.get(RollbackMetricNames.FLEET_PUBLISH_FAILURES).counter().count()).isEqualTo(1);
        assertThat(meters.get(RollbackMetricNames.FLEET_PENDING).gauge().value()).isEqualTo(1);

        JdbcDataSource created = new JdbcDataSource();
        created.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        new JdbcRollbackLedger(created).createSchema();
        clock.add(Duration.ofSeconds(1));
        fleet.runOnce();
        assertThat(meters.get(RollbackMetricNames.FLEET_PENDING).gauge().value()).isZero();
        assertThat(new JdbcFleetStore(created).pooled(SCOPE, FEATURE, 0).total().orElseThrow().pairs())
                .isEqualTo(3);

        unreachable.setURL("jdbc:h2:mem:" + name + "-gone;IFEXISTS=TRUE");
        failingPairs(guard, 30);
        assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
        assertThat(registry.health().features().get(0).reason()).startsWith("regression: error rate");
        fleet.runOnce();
        assertThat(meters.get(RollbackMetricNames.FLEET_PUBLISH_FAILURES).counter().count()).isEqualTo(2);
    }
}
