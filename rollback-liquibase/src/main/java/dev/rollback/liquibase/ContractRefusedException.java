package dev.rollback.liquibase;

import dev.rollback.core.ledger.ServiceInstance;
import java.time.Duration;
import java.util.List;

/**
 * Contract was refused: an instance of a version older than the expand still runs, or the bake time
 * has not passed. Nothing was changed; call {@code contract()} again later.
 */
public final class ContractRefusedException extends MigrationException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final transient List<ServiceInstance> blockingInstances;
    /** How much of the bake time is left. */
    private final Duration bakeTimeLeft;

    /**
     * Creates the exception.
     *
     * @param message           why, naming the blocking instances and the bake time left
     * @param blockingInstances the live instances of older versions
     * @param bakeTimeLeft      how much of the bake time is left, zero if it has passed
     */
    public ContractRefusedException(String message, List<ServiceInstance> blockingInstances, Duration bakeTimeLeft) {
        super(null, message, null);
        this.blockingInstances = List.copyOf(blockingInstances);
        this.bakeTimeLeft = bakeTimeLeft;
    }

    /**
     * Returns the live instances of versions older than the expand.
     *
     * @return the instances, possibly empty
     */
    public List<ServiceInstance> blockingInstances() {
        return blockingInstances;
    }

    /**
     * Returns how much of the bake time is left.
     *
     * @return the time left, zero if the bake time has passed
     */
    public Duration bakeTimeLeft() {
        return bakeTimeLeft;
    }
}
