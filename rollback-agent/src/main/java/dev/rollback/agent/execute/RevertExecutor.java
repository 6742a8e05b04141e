package dev.rollback.agent.execute;

import dev.rollback.agent.request.RevertPlan;

/**
 * Carries out reverts of one kind. A revert is planned first (nothing changes), the plan is kept
 * with the request, then it is carried out; a request interrupted by a crash is carried out again
 * with the same plan, so {@link #execute} must be safe to repeat for one plan.
 *
 * <p>Implementations are safe for use from several threads.
 */
public interface RevertExecutor {

    /**
     * Decides what the revert will do, changing nothing.
     *
     * @param job the revert
     * @return the plan
     * @throws RevertException if the revert cannot be done, with the reason
     */
    RevertPlan plan(RevertJob job);

    /**
     * Carries out a plan, or in dry-run mode only checks it.
     *
     * @param job    the revert
     * @param plan   its plan, from {@link #plan}
     * @param dryRun whether to change nothing
     * @return how it ended; never throws for a failure of the revert itself
     */
    RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun);
}
