package dev.rollback.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rollback.core.fleet.FleetBlock;
import dev.rollback.core.fleet.FleetScope;
import dev.rollback.core.fleet.FleetStore;
import dev.rollback.core.fleet.ForwardingFleetStore;
import dev.rollback.core.fleet.InMemoryFleetStore;
import dev.rollback.core.fleet.PooledBlocks;
import dev.rollback.core.fleet.PublishedBlock;
import io.micrometer.core.instrument.MockClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The running totals of {@link RunningPool} against a full re-sum of the same store, in virtual time:
 * a round reads the blocks of about the last window, whatever the length of the rollout.
 */
class RunningPoolTest {

    static final String FEATURE = "checkout-v2";
    static final FleetScope SCOPE = new FleetScope("checkout", "2.0.0");
    static final Duration WINDOW = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int INSTANCES = 20;

    private final MockClock clock = new MockClock();
    private final CountingStore store = new CountingStore(new InMemoryFleetStore());
    private final SplittableRandom random = new SplittableRandom(16);

    /** A block of random pairs of one instance in second {@code second}. */
    static FleetBlock block(SplittableRandom random, String instance, int second) {
        long pairs = 10 + random.nextInt(10);
        long newOnly = random.nextInt(3);
        long oldOnly = random.nextInt(3);
        long latencyPairs = pairs - newOnly - oldOnly;
        double sum = random.nextDouble() - 0.5;
        return new FleetBlock(FEATURE, instance, T0.plusSeconds(second), T0.plusSeconds(second + 1L), pairs,
                newOnly, oldOnly, latencyPairs, sum, sum * sum, 3.0 * latencyPairs);
    }

    /** Every instance publishes one block of second {@code second}, then a second passes. */
    private void publishSecond(int second) {
        for (int i = 0; i < INSTANCES; i++) {
            String instance = "i-" + i;
            store.publish(SCOPE, instance, T0.plusSeconds(second), List.of(block(random, instance, second)));
        }
        clock.add(Duration.ofSeconds(1));
    }

    /** The same instances and counts as a full re-sum; the sums of doubles only up to rounding. */
    static void assertSameAsFullResum(PooledBlocks running, PooledBlocks full) {
        assertThat(running.instanceIds()).isEqualTo(full.instanceIds());
        assertThat(running.lastBlockId()).isEqualTo(full.lastBlockId());
        for (int i = 0; i < full.instances().size(); i++) {
            FleetBlock expected = full.instances().get(i);
            FleetBlock actual = running.instances().get(i);
            assertThat(actual).usingRecursiveComparison()
                    .ignoringFields("sumLogRatio", "sumSquaredLogRatio", "sumNewLog").isEqualTo(expected);
            assertThat(actual.sumLogRatio()).isCloseTo(expected.sumLogRatio(), within(1e-9));
            assertThat(actual.sumSquaredLogRatio()).isCloseTo(expected.sumSquaredLogRatio(), within(1e-9));
            assertThat(actual.sumNewLog()).isCloseTo(expected.sumNewLog(), within(1e-6));
        }
    }

    @Test
    void readsOnlyTheBlocksOfAboutTheLastWindowAfterALongRollout() {
        RunningPool pool = new RunningPool(WINDOW);
        PooledBlocks running = null;
        for (int second = 0; second < 1_000; second++) {
            publishSecond(second);
            running = pool.refresh(store, SCOPE, FEATURE, 0, clock);
        }
        long readByAllRounds = store.blocksRead;

        store.blocksRead = 0;
        publishSecond(1_000);
        PooledBlocks last = pool.refresh(store, SCOPE, FEATURE, 0, clock);
        long readByTheRound = store.blocksRead;
        store.blocksRead = 0;
        PooledBlocks full = store.pooled(SCOPE, FEATURE, 0);

        // The pool holds 20,020 blocks; the round read the 20 new ones and those of the 30 seconds before
        // them: a read moves its lower bound only up to what a read a window before it saw.
        assertThat(store.blocksRead).isEqualTo(1_001L * INSTANCES);
        assertThat(readByTheRound).isEqualTo(INSTANCES * (WINDOW.toSeconds() + 1));
        assertThat(readByAllRounds).isLessThanOrEqualTo(1_000L * INSTANCES * (WINDOW.toSeconds() + 1));
        assertThat(last.total().orElseThrow().pairs()).isGreaterThan(running.total().orElseThrow().pairs());
        assertSameAsFullResum(last, full);
    }

    @Test
    void countsNoBlockTwiceWhenAFailedRoundIsRepeated() {
        RunningPool pool = new RunningPool(WINDOW);
        FleetStore failingEveryThirdRead = new CountingStore(store) {
            private int reads;

            @Override
            public List<PublishedBlock> blocks(FleetScope scope, String feature, long afterBlockId) {
                List<PublishedBlock> read = super.blocks(scope, feature, afterBlockId);
                if (++reads % 3 == 0) {
                    throw new IllegalStateException("connection reset after the rows were read");
                }
                return read;
            }
        };
        int failures = 0;
        for (int second = 0; second < 100; second++) {
            publishSecond(second);
            try {
                pool.refresh(failingEveryThirdRead, SCOPE, FEATURE, 0, clock);
            } catch (IllegalStateException e) {
                failures++;
            }
        }
        clock.add(Duration.ofSeconds(1));
        PooledBlocks running = pool.refresh(store, SCOPE, FEATURE, 0, clock);

        assertThat(failures).isEqualTo(33);
        assertSameAsFullResum(running, store.pooled(SCOPE, FEATURE, 0));
    }

    @Test
    void startsAfreshAfterANewVerdict() {
        RunningPool pool = new RunningPool(WINDOW);
        for (int second = 0; second < 40; second++) {
            publishSecond(second);
            pool.refresh(store, SCOPE, FEATURE, 0, clock);
        }
        long verdictBlock = pool.refresh(store, SCOPE, FEATURE, 0, clock).lastBlockId();
        for (int second = 40; second < 50; second++) {
            publishSecond(second);
        }
        PooledBlocks afterVerdict = pool.refresh(store, SCOPE, FEATURE, verdictBlock, clock);

        assertThat(afterVerdict.total().orElseThrow().start()).isEqualTo(T0.plusSeconds(40));
        assertSameAsFullResum(afterVerdict, store.pooled(SCOPE, FEATURE, verdictBlock));
    }

    /** A store that counts the blocks its reads return. */
    static class CountingStore extends ForwardingFleetStore {
        long blocksRead;

        CountingStore(FleetStore store) {
            super(store);
        }

        @Override
        public List<PublishedBlock> blocks(FleetScope scope, String feature, long afterBlockId) {
            List<PublishedBlock> read = super.blocks(scope, feature, afterBlockId);
            blocksRead += read.size();
            return read;
        }
    }
}
