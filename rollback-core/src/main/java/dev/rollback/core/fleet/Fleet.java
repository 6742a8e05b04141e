package dev.rollback.core.fleet;

import java.util.Optional;

/**
 * One instance's part in the fleet judge; create it with {@code dev.rollback.core.RollbackFleet}.
 *
 * <p>Every {@link FleetConfig#publishInterval()} it publishes its judges' pairs of the interval as one
 * {@link FleetBlock} per feature, with its heartbeat, then reads the fleet's pooled blocks of each
 * feature it is rolling out and tests them; see the package documentation for the test and where it
 * runs. All of it happens on the member's own thread, or the caller's ({@link #runOnce()}, for tests
 * in virtual time), never on a guarded call: a guard only adds each pair to a tally under the lock it
 * already holds. A store that cannot be reached is logged once per run of failures; the blocks wait
 * (at most {@link FleetConfig#maximumPendingBlocks()}) and the local judges go on alone.
 */
public interface Fleet extends AutoCloseable {

    /**
     * Ends the current block, publishes the pending blocks with a heartbeat, and judges every feature
     * this instance is rolling out on the fleet's pooled blocks; follows a verdict another instance
     * reached. Never throws: a failure is logged and counted, and tried again next time.
     */
    void runOnce();

    /**
     * Returns the latest fleet verdict on {@code feature} that this instance reached or followed.
     *
     * @param feature the feature
     * @return the verdict, or empty
     */
    Optional<FleetVerdict> verdict(String feature);

    /** Stops the thread, if any, publishes what is pending once more, and removes the meters. */
    @Override
    void close();
}
