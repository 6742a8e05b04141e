package dev.rollback.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FleetStore} does, run on each implementation. Each test works under a service
 * name of its own, so that implementations on a shared database keep apart.
 */
abstract class FleetStoreContract {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    private final FleetScope scope = new FleetScope(service, "2.0.0");
    private final FleetScope nextVersion = new FleetScope(service, "2.1.0");

    /** Returns the store under test, with the ledger's tables created. */
    protected abstract FleetStore store();

    static FleetBlock block(String instance, int seconds, long pairs, long newOnly, long oldOnly, double sum) {
        return new FleetBlock("checkout-v2", instance, T0.plusSeconds(seconds), T0.plusSeconds(seconds + 1), pairs,
                newOnly, oldOnly, pairs - newOnly - oldOnly, sum, sum * sum, 3.0 * (pairs - newOnly - oldOnly));
    }

    @Test
    void addsUpEachInstancesBlocksPublishedAfterTheGivenBlock() {
        FleetStore store = store();
        store.publish(scope, "a", T0, List.of(block("a", 0, 10, 1, 0, 0.5), block("a", 1, 20, 2, 1, 0.25)));
        store.publish(scope, "b", T0, List.of(block("b", 0, 5, 0, 1, 1.0)));

        PooledBlocks all = store.pooled(scope, "checkout-v2", 0);
        assertThat(all.instanceIds()).containsExactly("a", "b");
        FleetBlock a = all.instances().get(0);
        assertThat(a.pairs()).isEqualTo(30);
        assertThat(a.newOnlyFailures()).isEqualTo(3);
        assertThat(a.oldOnlyFailures()).isEqualTo(1);
        assertThat(a.latencyPairs()).isEqualTo(26);
        assertThat(a.sumLogRatio()).isEqualTo(0.75);
        assertThat(a.start()).isEqualTo(T0);
        assertThat(a.end()).isEqualTo(T0.plusSeconds(2));
        assertThat(all.total().orElseThrow().pairs()).isEqualTo(35);

        store.publish(scope, "b", T0.plusSeconds(1), List.of(block("b", 1, 7, 7, 0, 0)));
        PooledBlocks after = store.pooled(scope, "checkout-v2", all.lastBlockId());
        assertThat(after.instanceIds()).containsExactly("b");
        assertThat(after.total().orElseThrow().newOnlyFailures()).isEqualTo(7);
        assertThat(after.lastBlockId()).isGreaterThan(all.lastBlockId());
        assertThat(store.pooled(scope, "other-feature", 0).instances()).isEmpty();
    }

    @Test
    void returnsEachBlockAfterTheGivenIdOnceInTheOrderOfTheirIds() {
        FleetStore store = store();
        store.publish(scope, "a", T0, List.of(block("a", 0, 10, 1, 0, 0.5), block("a", 1, 20, 2, 1, 0.25)));
        store.publish(nextVersion, "x", T0, List.of(block("x", 0, 9, 9, 0, 0)));
        store.publish(scope, "b", T0, List.of(block("b", 0, 5, 0, 1, 1.0)));

        List<PublishedBlock> all = store.blocks(scope, "checkout-v2", 0);
        assertThat(all).extracting(PublishedBlock::block)
                .containsExactly(block("a", 0, 10, 1, 0, 0.5), block("a", 1, 20, 2, 1, 0.25), block("b", 0, 5, 0, 1, 1.0));
        assertThat(all).extracting(PublishedBlock::id).isSorted().doesNotHaveDuplicates();
        assertThat(store.blocks(scope, "checkout-v2", all.get(0).id())).containsExactlyElementsOf(all.subList(1, 3));
        assertThat(store.blocks(scope, "checkout-v2", all.get(2).id())).isEmpty();
        assertThat(store.blocks(scope, "other-feature", 0)).isEmpty();
        assertThat(PooledBlocks.sum(all, 0)).isEqualTo(store.pooled(scope, "checkout-v2", 0));
    }

    @Test
    void deletesOnlyTheBlocksOfItsScopeAndFeatureUpToTheGivenId() {
        FleetStore store = store();
        store.publish(scope, "a", T0, List.of(block("a", 0, 10, 1, 0, 0.5), block("a", 1, 20, 2, 1, 0.25)));
        store.publish(nextVersion, "x", T0, List.of(block("x", 0, 9, 9, 0, 0)));
        FleetBlock otherFeature = new FleetBlock("other-feature", "a", T0, T0.plusSeconds(1), 3, 0, 0, 3, 0, 0, 0);
        store.publish(scope, "a", T0, List.of(otherFeature));
        store.publish(scope, "b", T0, List.of(block("b", 0, 5, 0, 1, 1.0)));
        List<PublishedBlock> all = store.blocks(scope, "checkout-v2", 0);

        assertThat(store.deleteBlocks(scope, "checkout-v2", all.get(1).id())).isEqualTo(2);
        assertThat(store.deleteBlocks(scope, "checkout-v2", all.get(1).id())).isZero();
        assertThat(store.blocks(scope, "checkout-v2", 0)).containsExactly(all.get(2));
        assertThat(store.blocks(nextVersion, "checkout-v2", 0)).extracting(PublishedBlock::block)
                .containsExactly(block("x", 0, 9, 9, 0, 0));
        assertThat(store.blocks(scope, "other-feature", 0)).extracting(PublishedBlock::block).containsExactly(otherFeature);
        store.publish(scope, "c", T0, List.of(block("c", 2, 1, 0, 0, 0)));
        assertThat(store.blocks(scope, "checkout-v2", 0)).extracting(PublishedBlock::id).isSorted()
                .allMatch(id -> id > all.get(1).id()).hasSize(2);
    }

    @Test
    void keepsOneVerdictPerFeatureAndEpoch() {
        FleetStore store = store();
        FleetVerdict first = new FleetVerdict("checkout-v2", 1, 12, "a", T0, "error rate up", List.of("a", "b"));
        FleetVerdict rival = new FleetVerdict("checkout-v2", 1, 13, "b", T0, "error rate up too", List.of("b"));

        assertThat(store.latestVerdict(scope, "checkout-v2")).isEmpty();
        assertThat(store.recordVerdict(scope, first)).isTrue();
        assertThat(store.recordVerdict(scope, rival)).isFalse();
        assertThat(store.latestVerdict(scope, "checkout-v2")).contains(first);

        FleetVerdict second = new FleetVerdict("checkout-v2", 2, 40, "b", T0.plusSeconds(60), "again", List.of("b"));
        assertThat(store.recordVerdict(scope, second)).isTrue();
        assertThat(store.latestVerdict(scope, "checkout-v2")).contains(second);
    }

    @Test
    void countsAsLiveOnlyInstancesWithAHeartbeatSinceTheGivenTime() {
        FleetStore store = store();
        store.publish(scope, "a", T0, List.of());
        store.publish(scope, "b", T0.plusSeconds(20), List.of());
        store.publish(scope, "c", T0.plusSeconds(40), List.of());
        store.publish(scope, "a", T0.plusSeconds(45), List.of());

        assertThat(store.liveInstances(scope, T0.plusSeconds(30))).containsExactly("a", "c");
        assertThat(store.liveInstances(scope, T0)).containsExactly("a", "b", "c");
    }

    @Test
    void keepsTheBlocksOfEachVersionApart() {
        FleetStore store = store();
        store.publish(scope, "a", T0, List.of(block("a", 0, 100, 77, 0, 0)));
        store.publish(nextVersion, "b", T0.plusSeconds(1), List.of(block("b", 1, 10, 0, 1, 0)));
        store.publish(new FleetScope("other-" + service, "2.1.0"), "c", T0, List.of(block("c", 1, 50, 50, 0, 0)));

        PooledBlocks next = store.pooled(nextVersion, "checkout-v2", 0);
        assertThat(next.instanceIds()).containsExactly("b");
        assertThat(next.total().orElseThrow().pairs()).isEqualTo(10);
        assertThat(store.pooled(scope, "checkout-v2", 0).instanceIds()).containsExactly("a");
    }

    @Test
    void keepsTheVerdictsOfEachVersionApart() {
        FleetStore store = store();
        FleetVerdict earlier = new FleetVerdict("checkout-v2", 1, 12, "a", T0, "error rate up", List.of("a"));
        FleetVerdict next = new FleetVerdict("checkout-v2", 1, 30, "b", T0.plusSeconds(60), "latency up", List.of("b"));

        assertThat(store.recordVerdict(scope, earlier)).isTrue();
        assertThat(store.latestVerdict(nextVersion, "checkout-v2")).isEmpty();
        assertThat(store.recordVerdict(nextVersion, next)).isTrue();
        assertThat(store.latestVerdict(nextVersion, "checkout-v2")).contains(next);
        assertThat(store.latestVerdict(scope, "checkout-v2")).contains(earlier);
    }

    @Test
    void countsAnInstanceAsLiveInTheVersionOfItsLastHeartbeat() {
        FleetStore store = store();
        store.publish(scope, "a", T0, List.of());
        store.publish(scope, "b", T0, List.of());
        store.publish(nextVersion, "a", T0.plusSeconds(5), List.of());

        assertThat(store.liveInstances(scope, T0)).containsExactly("b");
        assertThat(store.liveInstances(nextVersion, T0)).containsExactly("a");
    }
}
