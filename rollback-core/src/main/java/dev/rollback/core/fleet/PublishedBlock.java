package dev.rollback.core.fleet;

import java.util.Objects;

/**
 * A {@link FleetBlock} as a {@link FleetStore} keeps it, with the id the store gave it when it was
 * published. Ids grow in the order the store hands them out, which is not always the order in which
 * publications become visible (see {@link FleetStore#blocks(FleetScope, String, long)}).
 *
 * @param id    the store's id of the block, positive
 * @param block the block
 */
public record PublishedBlock(long id, FleetBlock block) {

    /**
     * Checks the id.
     *
     * @throws IllegalArgumentException if the id is not positive
     */
    public PublishedBlock {
        if (id <= 0) {
            throw new IllegalArgumentException("block id " + id + " is not positive");
        }
        Objects.requireNonNull(block, "block");
    }
}
