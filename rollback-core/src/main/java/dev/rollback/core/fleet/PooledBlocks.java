package dev.rollback.core.fleet;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The blocks of one feature published since a verdict, added up per instance.
 *
 * @param instances   one block per instance that published any, the sum of its blocks, sorted by instance
 * @param lastBlockId the store's id of the newest block included, or the id the blocks were read after
 */
public record PooledBlocks(List<FleetBlock> instances, long lastBlockId) {

    /**
     * Copies the list.
     */
    public PooledBlocks {
        instances = List.copyOf(instances);
    }

    /**
     * Adds up blocks per instance.
     *
     * @param blocks       the blocks, each counted once
     * @param afterBlockId the id they were read after, the result's {@link #lastBlockId()} if there are none
     * @return the pooled blocks
     */
    public static PooledBlocks sum(List<PublishedBlock> blocks, long afterBlockId) {
        Map<String, FleetBlock> perInstance = new TreeMap<>();
        long last = afterBlockId;
        for (PublishedBlock published : blocks) {
            perInstance.merge(published.block().instance(), published.block(), FleetBlock::plus);
            last = Math.max(last, published.id());
        }
        return new PooledBlocks(List.copyOf(perInstance.values()), last);
    }

    /**
     * Returns every instance's pairs added up, or empty if there are none.
     *
     * @return the total
     */
    public Optional<FleetBlock> total() {
        return instances.stream().reduce(FleetBlock::plus);
    }

    /**
     * Returns the ids of the contributing instances, sorted.
     *
     * @return the ids
     */
    public List<String> instanceIds() {
        return instances.stream().map(FleetBlock::instance).sorted().toList();
    }
}
