package dev.rollback.agent.kubernetes;

import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.execute.RevertException;
import dev.rollback.agent.execute.RevertExecutor;
import dev.rollback.agent.execute.RevertJob;
import dev.rollback.agent.execute.RevertOutcome;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reverts a service whose workload is an Argo Rollouts {@code Rollout}, through fabric8's generic
 * resources (no Argo client library), doing what {@code kubectl argo rollouts} does:
 * <ul>
 * <li><b>abort</b> ({@code cmd/abort}): a merge patch {@value #ABORT_PATCH} on the Rollout's
 *     {@code status} subresource (on the Rollout itself where the API server has no such
 *     subresource); only while an update is in progress, that is while {@code status.stableRS}
 *     differs from {@code status.currentPodHash}. The controller sends every replica and all traffic
 *     back to the stable ReplicaSet and reports the Rollout {@code Degraded} with reason
 *     {@code RolloutAborted}; the spec keeps the new template.</li>
 * <li><b>undo</b> ({@code cmd/undo}): the ReplicaSets considered are those matching the Rollout's
 *     selector whose controller owner reference is the Rollout (by UID); each one's revision is its
 *     {@value #REVISION_ANNOTATION} annotation; without a revision the second highest is taken, and
 *     a Rollout with a single revision is refused, as is a revision that does not exist. If the
 *     Rollout's template already equals the revision's (ignoring {@value #POD_TEMPLATE_HASH_LABEL})
 *     nothing is sent; otherwise one JSON Patch replaces {@code /spec/template} with the revision's
 *     template without that label. Unlike a Deployment, a paused Rollout is not refused, and its
 *     annotations are left alone.</li>
 * <li><b>abort-then-undo</b>: while an update is in progress, abort, then undo to the stable
 *     ReplicaSet's template (or the requested revision's), which resets the abort; the Rollout ends
 *     {@code Healthy} on the stable ReplicaSet without going through its steps again. A fully
 *     promoted Rollout is only undone.</li>
 * </ul>
 * Each patch is sent first as a server-side dry run. The Rollout is then followed as
 * {@code kubectl argo rollouts status} does (the phase the controller reports in
 * {@code status.phase}, once {@code status.observedGeneration} has caught up): until {@code Healthy},
 * another {@code Degraded}, or the timeout; {@code Paused} and {@code Progressing} are waited
 * through. An abort alone changes no generation, so it waits for {@code Degraded} with
 * {@code RolloutAborted} only: a {@code Degraded} phase from before the abort is not its outcome.
 *
 * <p>The plan names the steps and the ReplicaSet ({@code abort+undo:checkout-7d4b9c}); carried out
 * again after a restart, a step already done (the Rollout already aborted, its template already the
 * revision's) is not repeated and the Rollout is only followed.
 */
public final class ArgoRolloutRevertExecutor implements RevertExecutor {

    /** The annotation that carries a Rollout's ReplicaSet's revision. */
    public static final String REVISION_ANNOTATION = "rollout.argoproj.io/revision";
    /** The label the Rollout controller adds to each ReplicaSet's pod template. */
    public static final String POD_TEMPLATE_HASH_LABEL = "rollouts-pod-template-hash";
    /** What {@code kubectl argo rollouts abort} patches. */
    public static final String ABORT_PATCH = "{\"status\":{\"abort\":true}}";
    /** The reason (and message prefix) of a Rollout its controller has aborted. */
    public static final String ROLLOUT_ABORTED = "RolloutAborted";
    /** The Rollout resource: group {@code argoproj.io}, version {@code v1alpha1}, plural {@code rollouts}. */
    public static final ResourceDefinitionContext ROLLOUT = new ResourceDefinitionContext.Builder()
            .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Rollout").withPlural("rollouts")
            .withNamespaced(true).build();

    private static final String ABORT = "abort";
    private static final String UNDO = "undo";
    private static final String ABORT_AND_UNDO = "abort+undo";

    private final KubernetesClient client;
    private final RolloutFollower follower;

    /**
     * Creates the executor.
     *
     * @param client   the client; not closed by this class
     * @param follower its timeout and poll interval are used to follow Rollouts
     */
    public ArgoRolloutRevertExecutor(KubernetesClient client, RolloutFollower follower) {
        this.client = Objects.requireNonNull(client, "client");
        this.follower = Objects.requireNonNull(follower, "follower");
    }

    @Override
    public RevertPlan plan(RevertJob job) {
        ExecutorConfig.ArgoRollout a = target(job);
        GenericKubernetesResource rollout = rollout(a);
        ReplicaSetHistory history = history(rollout);
        Long toRevision = job.request().toRevision();
        boolean toNamed = toRevision != null && toRevision > 0;
        Map<String, Object> status = map(rollout.getAdditionalProperties().get("status"));
        String stableHash = text(status.get("stableRS"));
        String currentHash = text(status.get("currentPodHash"));
        boolean inProgress = stableHash != null && currentHash != null && !stableHash.equals(currentHash);
        String from = version(history, currentHash);
        if (a.action() == ExecutorConfig.ArgoAction.UNDO || !inProgress) {
            if (a.action() == ExecutorConfig.ArgoAction.ABORT) {
                throw new RevertException(history.owner() + " has no update in progress (its stable ReplicaSet is"
                        + " the current one, " + from + "), so there is nothing to abort; set argoAction: undo or"
                        + " abort-then-undo to go back to the previous revision");
            }
            DeploymentRollbacker.Resolution r = history.resolve(toRevision);
            refuseWorkloadRef(rollout, history);
            return new RevertPlan(r.current().version(), r.target().version(), UNDO + ":" + r.target().replicaSet());
        }
        if (a.action() == ExecutorConfig.ArgoAction.ABORT && toNamed) {
            throw new RevertException("an abort of " + history.owner() + " goes back to its stable ReplicaSet, not to"
                    + " revision " + toRevision + "; set argoAction: undo or abort-then-undo to go to a revision");
        }
        if (a.action() != ExecutorConfig.ArgoAction.ABORT) {
            refuseWorkloadRef(rollout, history);
        }
        DeploymentRollbacker.Revision target;
        if (toNamed) {
            target = history.resolve(toRevision).target();
        } else {
            ReplicaSet stable = history.withHash(POD_TEMPLATE_HASH_LABEL, stableHash);
            if (stable == null) {
                throw new RevertException(history.owner() + " names stable ReplicaSet hash " + stableHash
                        + " in its status, but owns no ReplicaSet with " + POD_TEMPLATE_HASH_LABEL + "=" + stableHash);
            }
            target = history.revision(stable);
        }
        String steps = a.action() == ExecutorConfig.ArgoAction.ABORT ? ABORT : ABORT_AND_UNDO;
        return new RevertPlan(from, target.version(), steps + ":" + target.replicaSet());
    }

    /** An undo patches {@code spec.template}; a Rollout with a {@code workloadRef} has none. */
    private static void refuseWorkloadRef(GenericKubernetesResource rollout, ReplicaSetHistory history) {
        if (map(rollout.getAdditionalProperties().get("spec")).get("workloadRef") != null) {
            throw new RevertException(history.owner() + " takes its template from a workloadRef, which the agent"
                    + " does not undo; set argoAction: abort, or revert the referenced workload");
        }
    }

    @Override
    public RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun) {
        ExecutorConfig.ArgoRollout a = target(job);
        String where = "rollout " + a.namespace() + "/" + a.name();
        int colon = plan.target().indexOf(':');
        String steps = colon < 0 ? "" : plan.target().substring(0, colon);
        if (!List.of(ABORT, UNDO, ABORT_AND_UNDO).contains(steps)) {
            return RevertOutcome.failed("the plan '" + plan.target() + "' of " + where + " names no step;"
                    + " request the revert again to plan it anew");
        }
        try {
            GenericKubernetesResource rollout = rollout(a);
            ReplicaSet rs = history(rollout).named(plan.target().substring(colon + 1));
            boolean abort = !steps.equals(UNDO)
                    && !Boolean.TRUE.equals(map(rollout.getAdditionalProperties().get("status")).get("abort"));
            boolean undo = !steps.equals(ABORT) && !equalIgnoreHash(rs.getSpec().getTemplate(), templateOf(rollout));
            if (!abort && !undo && !job.resumed()) {
                return new RevertOutcome(RequestState.SKIPPED, "skipped " + steps + " of " + where + ": it is already "
                        + (steps.equals(ABORT) ? "aborted" : "at the template of " + plan.toVersion()));
            }
            String doing = (abort ? "abort" : "") + (abort && undo ? " and " : "") + (undo ? "undo" : "");
            if (abort) {
                abort(a, true);
            }
            if (undo) {
                undo(a, rs, true);
            }
            if (dryRun) {
                return new RevertOutcome(RequestState.DRY_RUN, doing.isEmpty()
                        ? where + " already " + (steps.equals(ABORT) ? "aborted" : "matches " + plan.toVersion())
                        : "server-side dry run accepted: " + doing + " of " + where + " would go back to "
                                + plan.toVersion());
            }
            if (abort) {
                abort(a, false);
            }
            if (undo) {
                undo(a, rs, false);
            }
            long generation = generationOf(rollout(a));
            boolean abortOnly = steps.equals(ABORT);
            RolloutFollower.Result result = follower.poll(where, () -> resource(a).get(),
                    ro -> status(ro, generation, abortOnly));
            String done = (abortOnly ? "aborted " : "rolled back ") + where + " from " + plan.fromVersion() + " to "
                    + plan.toVersion() + " (" + steps + ")" + (job.resumed() ? " (resumed after an agent restart)" : "")
                    + "; rollout: ";
            return switch (result.status()) {
                case COMPLETE -> RevertOutcome.succeeded(done + result.message());
                case TIMED_OUT -> RevertOutcome.failed(done + "not finished (" + result.message() + ")");
                case DEGRADED, PROGRESS_DEADLINE_EXCEEDED, GONE -> RevertOutcome.failed(done + result.message());
            };
        } catch (RevertException e) {
            return RevertOutcome.failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RevertOutcome.failed("following " + where + " was interrupted (the agent is stopping)");
        }
    }

    /**
     * Reads a Rollout's status as {@code kubectl argo rollouts status} does (its
     * {@code GetRolloutPhase}): the phase the controller reports, once it has observed the spec.
     *
     * @param rollout           the Rollout
     * @param minimumGeneration the generation the controller must have observed
     * @param abortOnly         whether {@code Degraded} with {@value #ROLLOUT_ABORTED} is the goal (and
     *                          any other phase is waited through)
     * @return a result with a status when finished, or a {@code null} status and a message meanwhile
     */
    static RolloutFollower.Result status(GenericKubernetesResource rollout, long minimumGeneration,
                                         boolean abortOnly) {
        Map<String, Object> status = map(rollout.getAdditionalProperties().get("status"));
        String name = rollout.getMetadata().getName();
        long generation = Math.max(minimumGeneration, generationOf(rollout));
        String observed = text(status.get("observedGeneration"));
        if (observed == null || isNumber(observed) && Long.parseLong(observed) < generation) {
            return new RolloutFollower.Result(null, "waiting for rollout spec update to be observed");
        }
        Object pauseConditions = status.get("pauseConditions");
        if (Boolean.TRUE.equals(status.get("controllerPause"))
                && (!(pauseConditions instanceof List<?> l) || l.isEmpty())) {
            return new RolloutFollower.Result(null, "waiting for rollout to unpause");
        }
        String phase = text(status.get("phase"));
        String message = text(status.get("message"));
        String said = phase == null ? "no phase reported yet" : phase + (message == null ? "" : " - " + message);
        if (abortOnly) {
            // An abort changes no generation: a Degraded phase from before it (a canary that timed
            // out, the usual reason to abort) is not its outcome, so only RolloutAborted ends it.
            return "Degraded".equals(phase) && message != null && message.startsWith(ROLLOUT_ABORTED)
                    ? new RolloutFollower.Result(RolloutFollower.Status.COMPLETE, "rollout \"" + name + "\" " + said)
                    : new RolloutFollower.Result(null, said);
        }
        if ("Degraded".equals(phase)) {
            return new RolloutFollower.Result(RolloutFollower.Status.DEGRADED, "rollout \"" + name
                    + "\" is in a degraded state: " + said);
        }
        if ("Healthy".equals(phase)) {
            return new RolloutFollower.Result(RolloutFollower.Status.COMPLETE, "rollout \"" + name + "\" Healthy");
        }
        return new RolloutFollower.Result(null, said);
    }

    private void abort(ExecutorConfig.ArgoRollout a, boolean dryRun) {
        try {
            try {
                resource(a).dryRun(dryRun).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), ABORT_PATCH);
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                    throw e;
                }
                // As cmd/abort: an API server without the status subresource takes it on the Rollout.
                resource(a).dryRun(dryRun).patch(PatchContext.of(PatchType.JSON_MERGE), ABORT_PATCH);
            }
        } catch (KubernetesClientException e) {
            throw new RevertException("failed to abort rollout " + a.namespace() + "/" + a.name()
                    + (dryRun ? " (server-side dry run)" : "") + ": " + e.getMessage(), e);
        }
    }

    private void undo(ExecutorConfig.ArgoRollout a, ReplicaSet rs, boolean dryRun) {
        PodTemplateSpec template = ReplicaSetHistory.withoutLabel(client, rs.getSpec().getTemplate(),
                POD_TEMPLATE_HASH_LABEL);
        String patch = client.getKubernetesSerialization().asJson(List.of(
                Map.of("op", "replace", "path", "/spec/template", "value", template)));
        try {
            resource(a).dryRun(dryRun).patch(PatchContext.of(PatchType.JSON), patch);
        } catch (KubernetesClientException e) {
            throw new RevertException("failed restoring " + rs.getMetadata().getName() + " into rollout "
                    + a.namespace() + "/" + a.name() + (dryRun ? " (server-side dry run)" : "") + ": "
                    + e.getMessage(), e);
        }
    }

    private boolean equalIgnoreHash(PodTemplateSpec replicaSet, PodTemplateSpec rollout) {
        return Objects.equals(ReplicaSetHistory.withoutLabel(client, replicaSet, POD_TEMPLATE_HASH_LABEL),
                ReplicaSetHistory.withoutLabel(client, rollout, POD_TEMPLATE_HASH_LABEL));
    }

    private PodTemplateSpec templateOf(GenericKubernetesResource rollout) {
        Object template = map(rollout.getAdditionalProperties().get("spec")).get("template");
        return template == null ? null
                : client.getKubernetesSerialization().convertValue(template, PodTemplateSpec.class);
    }

    private Resource<GenericKubernetesResource> resource(ExecutorConfig.ArgoRollout a) {
        return client.genericKubernetesResources(ROLLOUT).inNamespace(a.namespace()).withName(a.name());
    }

    private GenericKubernetesResource rollout(ExecutorConfig.ArgoRollout a) {
        GenericKubernetesResource rollout;
        try {
            rollout = resource(a).get();
        } catch (KubernetesClientException e) {
            throw new RevertException("failed to retrieve rollout " + a.namespace() + "/" + a.name() + ": "
                    + e.getMessage(), e);
        }
        if (rollout == null) {
            throw new RevertException("rollout " + a.namespace() + "/" + a.name() + " not found");
        }
        return rollout;
    }

    private ReplicaSetHistory history(GenericKubernetesResource rollout) {
        Map<String, Object> selector = map(map(rollout.getAdditionalProperties().get("spec")).get("selector"));
        Map<String, String> labels = new TreeMap<>();
        map(selector.get("matchLabels")).forEach((k, v) -> labels.put(k, String.valueOf(v)));
        String namespace = rollout.getMetadata().getNamespace();
        return ReplicaSetHistory.read(client, "rollout " + namespace + "/" + rollout.getMetadata().getName(),
                namespace, labels, rollout.getMetadata().getUid(), REVISION_ANNOTATION);
    }

    /** The ReplicaSet with a pod template hash, as a version text, or the hash alone. */
    private static String version(ReplicaSetHistory history, String hash) {
        ReplicaSet rs = history.withHash(POD_TEMPLATE_HASH_LABEL, hash);
        if (rs != null) {
            return history.revision(rs).version();
        }
        return hash == null ? "the current revision" : "pod template " + hash;
    }

    /** The service's Rollout, in the namespace the request names if it names one (an alert's). */
    private static ExecutorConfig.ArgoRollout target(RevertJob job) {
        if (job.service().executor() instanceof ExecutorConfig.ArgoRollout a) {
            String namespace = job.request().namespace();
            return namespace == null ? a : new ExecutorConfig.ArgoRollout(namespace, a.name(), a.action());
        }
        throw new IllegalArgumentException("service " + job.service().name() + " is not reverted through Argo Rollouts");
    }

    private static long generationOf(GenericKubernetesResource rollout) {
        Long generation = rollout.getMetadata().getGeneration();
        return generation == null ? 0 : generation;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String text(Object value) {
        return value == null || value.toString().isEmpty() ? null : value.toString();
    }

    private static boolean isNumber(String text) {
        return text.chars().allMatch(Character::isDigit) && text.length() < 19;
    }
}
