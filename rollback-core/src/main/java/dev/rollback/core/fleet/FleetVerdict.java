package dev.rollback.core.fleet;

import dev.rollback.core.check.Arguments;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The fleet judge's decision that a feature's new path is worse, on the pooled evidence of the
 * instances that contributed. There is at most one verdict per feature and epoch: the first instance to
 * reach it records it, every other instance follows it. Verdicts are kept per {@link FleetScope}: a
 * verdict on one version of the service does not bind the next.
 *
 * @param feature     the feature
 * @param epoch       1 for the feature's first verdict in its scope, then one more for each; the blocks
 *                    of the scope after the previous verdict's {@code lastBlockId} were judged
 * @param lastBlockId the store's id of the newest block judged
 * @param decidedBy   the instance that reached the verdict first
 * @param time        when, on that instance's clock
 * @param evidence    the pooled evidence in words ({@link dev.rollback.core.judge.Evidence#summary()})
 * @param instances   the instances whose pairs were pooled, sorted
 */
public record FleetVerdict(String feature, int epoch, long lastBlockId, String decidedBy, Instant time,
                           String evidence, List<String> instances) {

    /**
     * Checks the verdict is complete and copies the instances.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public FleetVerdict {
        Arguments.requireText("feature", feature);
        Arguments.requireText("decidedBy", decidedBy);
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(evidence, "evidence");
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be at least 1, was " + epoch);
        }
        instances = List.copyOf(instances);
    }

    /**
     * Returns the verdict in one line a person can act on, as recorded in the ledger and shown in the
     * health report.
     *
     * @return the line
     */
    public String summary() {
        return "fleet regression (verdict " + epoch + " by " + decidedBy + ", pooled over " + instances.size()
                + " instance(s) " + instances + "): " + evidence;
    }
}
