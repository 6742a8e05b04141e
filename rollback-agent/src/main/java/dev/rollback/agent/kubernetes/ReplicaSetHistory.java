package dev.rollback.agent.kubernetes;

import dev.rollback.agent.execute.RevertException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The revision history of a controller that keeps one ReplicaSet per revision (a Deployment, an Argo
 * Rollouts Rollout), read as kubectl and {@code kubectl argo rollouts} read it: only the ReplicaSets
 * whose controller owner reference is the owner (by UID), each revision from an annotation.
 *
 * @param owner      what owns the ReplicaSets, for messages, e.g. {@code deployment shop/checkout}
 * @param owned      the ReplicaSets it owns
 * @param annotation the annotation that carries a ReplicaSet's revision
 */
record ReplicaSetHistory(String owner, List<ReplicaSet> owned, String annotation) {

    /**
     * Lists the ReplicaSets in a namespace that match an owner's selector labels and whose
     * controller owner reference is the owner.
     *
     * @param client     the client
     * @param owner      the owner, for messages
     * @param namespace  the namespace
     * @param labels     the owner's selector's match labels
     * @param uid        the owner's UID
     * @param annotation the revision annotation
     * @return the history
     * @throws RevertException if the ReplicaSets cannot be listed
     */
    static ReplicaSetHistory read(KubernetesClient client, String owner, String namespace, Map<String, String> labels,
                                  String uid, String annotation) {
        List<ReplicaSet> all;
        try {
            all = client.apps().replicaSets().inNamespace(namespace).withLabels(labels).list().getItems();
        } catch (KubernetesClientException e) {
            throw new RevertException("failed to list the replica sets of " + owner + ": " + e.getMessage(), e);
        }
        return new ReplicaSetHistory(owner, all.stream().filter(rs -> controlledBy(rs, uid))
                .collect(Collectors.toList()), annotation);
    }

    /**
     * Finds the revision to go back to, as kubectl does: revision {@code toRevision}, or without one
     * the second highest.
     *
     * @param toRevision the revision, or {@code null} (or 0) for the previous one
     * @return the current (highest) revision and the target
     * @throws RevertException if there is no history, a single revision, or no such revision
     */
    DeploymentRollbacker.Resolution resolve(Long toRevision) {
        Map<Long, ReplicaSet> byRevision = new TreeMap<>(Comparator.reverseOrder());
        for (ReplicaSet rs : owned) {
            Long revision = revisionOf(rs);
            if (revision != null) {
                byRevision.put(revision, rs);
            }
        }
        if (byRevision.isEmpty()) {
            throw new RevertException("no rollout history found for " + owner + ": it owns no ReplicaSet with a "
                    + annotation + " annotation");
        }
        List<Long> revisions = new ArrayList<>(byRevision.keySet());
        ReplicaSet target;
        if (toRevision != null && toRevision > 0) {
            target = byRevision.get(toRevision);
            if (target == null) {
                throw new RevertException("unable to find revision " + toRevision + " of " + owner
                        + "; its revisions are " + revisions);
            }
        } else {
            if (revisions.size() < 2) {
                throw new RevertException("no rollout history found for " + owner + ": it owns a single ReplicaSet"
                        + " (revision " + revisions.get(0) + "), so there is no previous revision to go back to");
            }
            target = byRevision.get(revisions.get(1));
        }
        return new DeploymentRollbacker.Resolution(revision(byRevision.get(revisions.get(0))), revision(target));
    }

    /**
     * Returns an owned ReplicaSet by name.
     *
     * @param name the ReplicaSet's name
     * @return the ReplicaSet
     * @throws RevertException if it is gone or not owned
     */
    ReplicaSet named(String name) {
        return owned.stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new RevertException("ReplicaSet " + name + " no longer exists or is not owned by "
                        + owner + "; request the revert again to plan it anew"));
    }

    /**
     * Returns the owned ReplicaSet whose pod template carries a hash label, if any.
     *
     * @param hashLabel the label, e.g. {@code rollouts-pod-template-hash}
     * @param hash      its value
     * @return the ReplicaSet, or {@code null}
     */
    ReplicaSet withHash(String hashLabel, String hash) {
        return owned.stream().filter(r -> hash != null && r.getMetadata().getLabels() != null
                && hash.equals(r.getMetadata().getLabels().get(hashLabel))).findFirst().orElse(null);
    }

    /**
     * Returns a ReplicaSet's revision, as the ledger shows it.
     *
     * @param rs the ReplicaSet
     * @return its revision (0 when it has none)
     */
    DeploymentRollbacker.Revision revision(ReplicaSet rs) {
        Long revision = revisionOf(rs);
        List<Container> containers = rs.getSpec() == null || rs.getSpec().getTemplate() == null
                || rs.getSpec().getTemplate().getSpec() == null
                ? List.of() : rs.getSpec().getTemplate().getSpec().getContainers();
        String images = containers == null ? "" : containers.stream().map(Container::getImage)
                .filter(Objects::nonNull).collect(Collectors.joining(","));
        return new DeploymentRollbacker.Revision(revision == null ? 0 : revision, rs.getMetadata().getName(), images);
    }

    /**
     * Returns a copy of a pod template without a label, as both controllers strip their hash label
     * before a template goes back into the owner.
     *
     * @param client   the client, for its serialization
     * @param template the template, or {@code null}
     * @param label    the label to drop
     * @return the copy, or {@code null}
     */
    static PodTemplateSpec withoutLabel(KubernetesClient client, PodTemplateSpec template, String label) {
        if (template == null) {
            return null;
        }
        PodTemplateSpec copy = client.getKubernetesSerialization().clone(template);
        if (copy.getMetadata() != null && copy.getMetadata().getLabels() != null) {
            Map<String, String> labels = new LinkedHashMap<>(copy.getMetadata().getLabels());
            labels.remove(label);
            copy.getMetadata().setLabels(labels);
        }
        return copy;
    }

    private Long revisionOf(ReplicaSet rs) {
        Map<String, String> annotations = rs.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(annotation);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean controlledBy(ReplicaSet rs, String uid) {
        List<OwnerReference> owners = rs.getMetadata().getOwnerReferences();
        if (owners == null || uid == null) {
            return false;
        }
        return owners.stream().anyMatch(o -> Boolean.TRUE.equals(o.getController()) && uid.equals(o.getUid()));
    }
}
