package dev.rollback.agent.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Follows a Deployment's rollout as {@code kubectl rollout status} does, until it completes, its
 * progress deadline passes ({@code ProgressDeadlineExceeded}), or the agent's own timeout passes;
 * the same loop follows an Argo Rollouts Rollout ({@link ArgoRolloutRevertExecutor}).
 */
public final class RolloutFollower {

    /** The reason of the {@code Progressing} condition when the progress deadline has passed. */
    public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

    private final KubernetesClient client;
    private final Clock clock;
    private final Duration timeout;
    private final Duration pollInterval;

    /**
     * Creates a follower.
     *
     * @param client       the client
     * @param clock        the clock the timeout is measured with
     * @param timeout      the longest to follow
     * @param pollInterval the time between two reads
     */
    public RolloutFollower(KubernetesClient client, Clock clock, Duration timeout, Duration pollInterval) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** How a rollout ended, as far as the agent followed it. */
    public enum Status {
        /**
         * Every replica is updated and available, and no old one is left; for a Rollout, its
         * controller reports it {@code Healthy} (or aborted, when an abort was asked for).
         */
        COMPLETE,
        /** The Deployment's progress deadline passed. */
        PROGRESS_DEADLINE_EXCEEDED,
        /** The Rollout's controller reports it {@code Degraded} (aborted, timed out, invalid spec). */
        DEGRADED,
        /** The agent stopped following before either. */
        TIMED_OUT,
        /** The Deployment (or Rollout) disappeared. */
        GONE
    }

    /**
     * The state of a rollout after following it.
     *
     * @param status  how it ended
     * @param message what {@code kubectl rollout status} would have said last
     */
    public record Result(Status status, String message) {
    }

    /**
     * Follows the rollout of a Deployment whose spec has reached a generation.
     *
     * @param namespace          the namespace
     * @param name               the Deployment
     * @param minimumGeneration  the generation the controller must have observed, e.g. the one the
     *                           rollback patch produced; 0 for any
     * @return how it ended
     * @throws InterruptedException if interrupted while waiting
     */
    public Result follow(String namespace, String name, long minimumGeneration) throws InterruptedException {
        return poll("deployment " + namespace + "/" + name,
                () -> client.apps().deployments().inNamespace(namespace).withName(name).get(),
                d -> status(d, minimumGeneration));
    }

    /**
     * Reads an object until its status says it is finished or the timeout passes.
     *
     * @param what   the object, for messages, e.g. {@code rollout shop/checkout}
     * @param read   reads the object, {@code null} when it is gone
     * @param status its status: with a {@code null} status and a message while not finished
     * @param <T>    the object's type
     * @return how it ended
     * @throws InterruptedException if interrupted while waiting
     */
    <T> Result poll(String what, Supplier<T> read, Function<T, Result> status) throws InterruptedException {
        long deadline = clock.monotonicTime() + timeout.toNanos();
        String last = "waiting for the rollout to be observed";
        while (true) {
            T object;
            try {
                object = read.get();
            } catch (KubernetesClientException e) {
                object = null;
                last = "reading the " + what + " failed: " + e.getMessage();
            }
            if (object == null && last.startsWith("waiting")) {
                return new Result(Status.GONE, what + " disappeared");
            }
            if (object != null) {
                Result r = status.apply(object);
                if (r.status() != null) {
                    return r;
                }
                last = r.message();
            }
            if (clock.monotonicTime() - deadline >= 0) {
                return new Result(Status.TIMED_OUT, "the rollout did not finish within " + timeout + "; last: " + last);
            }
            Thread.sleep(pollInterval.toMillis());
        }
    }

    /**
     * Reads one rollout status, as kubectl's {@code DeploymentStatusViewer} does.
     *
     * @param d                 the Deployment
     * @param minimumGeneration the generation the controller must have observed
     * @return a result with a status when finished, or a {@code null} status and a message while
     *         rolling out
     */
    static Result status(Deployment d, long minimumGeneration) {
        DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        long generation = Math.max(minimumGeneration, orZero(d.getMetadata().getGeneration()));
        if (generation > orZero(s.getObservedGeneration())) {
            return new Result(null, "waiting for deployment spec update to be observed");
        }
        List<DeploymentCondition> conditions = s.getConditions() == null ? List.of() : s.getConditions();
        for (DeploymentCondition c : conditions) {
            if ("Progressing".equals(c.getType()) && PROGRESS_DEADLINE_EXCEEDED.equals(c.getReason())) {
                return new Result(Status.PROGRESS_DEADLINE_EXCEEDED, "deployment \"" + d.getMetadata().getName()
                        + "\" exceeded its progress deadline");
            }
        }
        int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int updated = orZero(s.getUpdatedReplicas());
        if (updated < wanted) {
            return new Result(null, updated + " out of " + wanted + " new replicas have been updated");
        }
        if (orZero(s.getReplicas()) > updated) {
            return new Result(null, (orZero(s.getReplicas()) - updated) + " old replicas are pending termination");
        }
        if (orZero(s.getAvailableReplicas()) < updated) {
            return new Result(null, orZero(s.getAvailableReplicas()) + " of " + updated
                    + " updated replicas are available");
        }
        return new Result(Status.COMPLETE, "deployment \"" + d.getMetadata().getName() + "\" successfully rolled out");
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }
}
