package dev.rollback.agent.kubernetes;

import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.execute.RevertException;
import dev.rollback.agent.execute.RevertExecutor;
import dev.rollback.agent.execute.RevertJob;
import dev.rollback.agent.execute.RevertOutcome;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;

/**
 * Reverts a service by undoing the rollout of its Deployment ({@link DeploymentRollbacker}): the
 * plan names the ReplicaSet to restore; the patch is first sent as a server-side dry run, then for
 * real (unless in dry-run mode), and the rollout is followed until it completes or its progress
 * deadline passes ({@link RolloutFollower}), and the outcome says which.
 *
 * <p>Carried out again after a restart, the same plan finds the Deployment's template already equal
 * to the ReplicaSet's when the patch had been applied, and then only follows the rollout.
 */
public final class KubernetesRevertExecutor implements RevertExecutor {

    private final KubernetesClient client;
    private final DeploymentRollbacker rollbacker;
    private final RolloutFollower follower;

    /**
     * Creates the executor.
     *
     * @param client   the client; not closed by this class
     * @param follower how rollouts are followed
     */
    public KubernetesRevertExecutor(KubernetesClient client, RolloutFollower follower) {
        this.client = Objects.requireNonNull(client, "client");
        this.rollbacker = new DeploymentRollbacker(client);
        this.follower = Objects.requireNonNull(follower, "follower");
    }

    @Override
    public RevertPlan plan(RevertJob job) {
        ExecutorConfig.Kubernetes k = target(job);
        DeploymentRollbacker.Resolution r = rollbacker.resolve(k.namespace(), k.deployment(),
                job.request().toRevision());
        return new RevertPlan(r.current().version(), r.target().version(), r.target().replicaSet());
    }

    @Override
    public RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun) {
        ExecutorConfig.Kubernetes k = target(job);
        String where = "deployment " + k.namespace() + "/" + k.deployment();
        try {
            DeploymentRollbacker.Result check = rollbacker.rollback(k.namespace(), k.deployment(), plan.target(), true);
            if (check == DeploymentRollbacker.Result.SKIPPED && !job.resumed()) {
                return new RevertOutcome(RequestState.SKIPPED, "skipped rollback of " + where
                        + ": its template already matches " + plan.toVersion());
            }
            if (dryRun) {
                return new RevertOutcome(RequestState.DRY_RUN, check == DeploymentRollbacker.Result.SKIPPED
                        ? where + " already matches " + plan.toVersion()
                        : "server-side dry run accepted: " + where + " would go back to " + plan.toVersion());
            }
            if (check != DeploymentRollbacker.Result.SKIPPED) {
                rollbacker.rollback(k.namespace(), k.deployment(), plan.target(), false);
            }
            Deployment after = client.apps().deployments().inNamespace(k.namespace()).withName(k.deployment()).get();
            long generation = after == null || after.getMetadata().getGeneration() == null
                    ? 0 : after.getMetadata().getGeneration();
            RolloutFollower.Result rollout = follower.follow(k.namespace(), k.deployment(), generation);
            String done = "rolled back " + where + " from " + plan.fromVersion() + " to " + plan.toVersion()
                    + (job.resumed() ? " (resumed after an agent restart)" : "") + "; rollout: ";
            return switch (rollout.status()) {
                case COMPLETE -> RevertOutcome.succeeded(done + "complete");
                case PROGRESS_DEADLINE_EXCEEDED -> RevertOutcome.failed(done + RolloutFollower.PROGRESS_DEADLINE_EXCEEDED
                        + " (" + rollout.message() + ")");
                case TIMED_OUT -> RevertOutcome.failed(done + "not finished (" + rollout.message() + ")");
                case DEGRADED, GONE -> RevertOutcome.failed(done + rollout.message());
            };
        } catch (RevertException e) {
            return RevertOutcome.failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RevertOutcome.failed("following the rollout of " + where + " was interrupted (the agent is stopping)");
        }
    }

    /** The service's Deployment, in the namespace the request names if it names one (an alert's). */
    private static ExecutorConfig.Kubernetes target(RevertJob job) {
        if (job.service().executor() instanceof ExecutorConfig.Kubernetes k) {
            String namespace = job.request().namespace();
            return namespace == null ? k : new ExecutorConfig.Kubernetes(namespace, k.deployment());
        }
        throw new IllegalArgumentException("service " + job.service().name() + " is not reverted through Kubernetes");
    }
}
