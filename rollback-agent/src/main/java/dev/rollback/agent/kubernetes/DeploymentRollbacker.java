package dev.rollback.agent.kubernetes;

import dev.rollback.agent.execute.RevertException;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code kubectl rollout undo deployment/NAME [--to-revision=N] [--dry-run=server]} does
 * (kubectl's {@code polymorphichelpers.DeploymentRollbacker}), rather than fabric8's
 * {@code rolling().undo()}:
 * <ol>
 * <li>the ReplicaSets considered are those whose controller owner reference is the Deployment (by
 *     UID), not any ReplicaSet whose labels match;</li>
 * <li>the revision is read from each ReplicaSet's {@value #REVISION_ANNOTATION} annotation; without
 *     a revision the previous one (second highest) is taken, and a Deployment with a single
 *     revision is refused, as is a revision that does not exist;</li>
 * <li>then, in kubectl's order (history and revision before the paused check), a paused Deployment
 *     is refused;</li>
 * <li>if the Deployment's pod template already equals the revision's (ignoring
 *     {@value #POD_TEMPLATE_HASH_LABEL}), nothing is done;</li>
 * <li>otherwise the revision's template, without the {@value #POD_TEMPLATE_HASH_LABEL} label,
 *     replaces the Deployment's, and the Deployment's annotations become the ReplicaSet's, except
 *     the {@linkplain #ANNOTATIONS_TO_SKIP annotations kubectl keeps from the Deployment}; both in
 *     one JSON Patch, optionally as a server-side dry run.</li>
 * </ol>
 */
public final class DeploymentRollbacker {

    /** The annotation that carries a ReplicaSet's (and a Deployment's) revision. */
    public static final String REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
    /** The label the Deployment controller adds to each ReplicaSet's pod template. */
    public static final String POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
    /**
     * The annotations kept from the Deployment rather than copied from the ReplicaSet (kubectl's
     * {@code annotationsToSkip}).
     */
    public static final Set<String> ANNOTATIONS_TO_SKIP = Set.of(
            "kubectl.kubernetes.io/last-applied-configuration",
            REVISION_ANNOTATION,
            "deployment.kubernetes.io/revision-history",
            "deployment.kubernetes.io/desired-replicas",
            "deployment.kubernetes.io/max-replicas",
            "deprecated.deployment.rollback.to");

    private final KubernetesClient client;

    /**
     * Creates a rollbacker.
     *
     * @param client the client; not closed by this class
     */
    public DeploymentRollbacker(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * A revision of a Deployment (or of a Rollout): the ReplicaSet that holds it.
     *
     * @param revision   the revision number
     * @param replicaSet the ReplicaSet's name
     * @param images     the images of its containers, comma-separated
     */
    public record Revision(long revision, String replicaSet, String images) {

        /**
         * Returns the revision as a version text for the ledger.
         *
         * @return e.g. {@code revision 2 (shop/checkout:1.3.0)}
         */
        public String version() {
            return "revision " + revision + " (" + images + ")";
        }
    }

    /**
     * Finds the revision to go back to, changing nothing.
     *
     * @param namespace  the namespace
     * @param name       the Deployment
     * @param toRevision the revision, or {@code null} (or 0) for the previous one
     * @return the current revision and the target
     * @throws RevertException if the Deployment is missing or paused, has no previous revision, or
     *                         lacks the named revision
     */
    public Resolution resolve(String namespace, String name, Long toRevision) {
        Deployment deployment = deployment(namespace, name);
        Resolution resolution = history(deployment).resolve(toRevision);
        // As kubectl: the history and the revision first, so that an operator asking for a revision
        // that does not exist is told so, not to resume the Deployment first.
        refusePaused(deployment);
        return resolution;
    }

    /**
     * The revision a Deployment (or a Rollout) runs and the one to go back to.
     *
     * @param current the highest revision
     * @param target  the revision to go back to
     */
    public record Resolution(Revision current, Revision target) {
    }

    /** How {@link #rollback} ended. */
    public enum Result {
        /** The patch was applied. */
        ROLLED_BACK,
        /** The server accepted the patch as a dry run; nothing changed. */
        DRY_RUN,
        /** The Deployment's template already matched the revision; nothing was sent. */
        SKIPPED
    }

    /**
     * Rolls a Deployment back to the revision held by a ReplicaSet.
     *
     * @param namespace  the namespace
     * @param name       the Deployment
     * @param replicaSet the ReplicaSet that holds the revision; it must be owned by the Deployment
     * @param dryRun     whether to send the patch as a server-side dry run only
     * @return what happened
     * @throws RevertException if the Deployment is paused or missing, the ReplicaSet is gone or not
     *                         the Deployment's, or the server refuses the patch
     */
    public Result rollback(String namespace, String name, String replicaSet, boolean dryRun) {
        Deployment deployment = deployment(namespace, name);
        ReplicaSet rs = history(deployment).named(replicaSet);
        refusePaused(deployment);
        if (equalIgnoreHash(rs.getSpec().getTemplate(), deployment.getSpec().getTemplate())) {
            return Result.SKIPPED;
        }
        PodTemplateSpec template = withoutHash(rs.getSpec().getTemplate());
        Map<String, String> annotations = new TreeMap<>();
        Map<String, String> current = annotationsOf(deployment.getMetadata().getAnnotations());
        for (String key : ANNOTATIONS_TO_SKIP) {
            if (current.containsKey(key)) {
                annotations.put(key, current.get(key));
            }
        }
        annotationsOf(rs.getMetadata().getAnnotations()).forEach((k, v) -> {
            if (!ANNOTATIONS_TO_SKIP.contains(k)) {
                annotations.put(k, v);
            }
        });
        List<Map<String, Object>> ops = List.of(
                Map.of("op", "replace", "path", "/spec/template", "value", template),
                Map.of("op", "replace", "path", "/metadata/annotations", "value", annotations));
        String patch = client.getKubernetesSerialization().asJson(ops);
        var resource = client.apps().deployments().inNamespace(namespace).withName(name);
        try {
            if (dryRun) {
                resource.dryRun().patch(PatchContext.of(PatchType.JSON), patch);
                return Result.DRY_RUN;
            }
            resource.patch(PatchContext.of(PatchType.JSON), patch);
            return Result.ROLLED_BACK;
        } catch (KubernetesClientException e) {
            throw new RevertException("failed restoring " + replicaSet + " into deployment " + namespace + "/" + name
                    + (dryRun ? " (server-side dry run)" : "") + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether two pod templates are equal, ignoring the {@value #POD_TEMPLATE_HASH_LABEL} label.
     *
     * @param a one template
     * @param b another
     * @return {@code true} if equal
     */
    boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
        return Objects.equals(withoutHash(a), withoutHash(b));
    }

    private PodTemplateSpec withoutHash(PodTemplateSpec template) {
        return ReplicaSetHistory.withoutLabel(client, template, POD_TEMPLATE_HASH_LABEL);
    }

    private Deployment deployment(String namespace, String name) {
        Deployment deployment;
        try {
            deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new RevertException("failed to retrieve deployment " + namespace + "/" + name + ": "
                    + e.getMessage(), e);
        }
        if (deployment == null) {
            throw new RevertException("deployment " + namespace + "/" + name + " not found");
        }
        return deployment;
    }

    private static void refusePaused(Deployment deployment) {
        if (Boolean.TRUE.equals(deployment.getSpec().getPaused())) {
            throw new RevertException("you cannot rollback a paused deployment; resume it first with 'kubectl"
                    + " rollout resume deployment/" + deployment.getMetadata().getName()
                    + " -n " + deployment.getMetadata().getNamespace() + "' and try again");
        }
    }

    private ReplicaSetHistory history(Deployment deployment) {
        var selector = deployment.getSpec().getSelector();
        return ReplicaSetHistory.read(client, "deployment " + deployment.getMetadata().getNamespace() + "/"
                        + deployment.getMetadata().getName(), deployment.getMetadata().getNamespace(),
                selector == null || selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels(),
                deployment.getMetadata().getUid(), REVISION_ANNOTATION);
    }

    private static Map<String, String> annotationsOf(Map<String, String> annotations) {
        return annotations == null ? Map.of() : annotations;
    }
}
