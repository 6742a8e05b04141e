package dev.rollback.agent.kubernetes;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/** Deployments and ReplicaSets as the Deployment controller would leave them; the mock runs no controller. */
final class Fixtures {

    static final String NS = "shop";

    private Fixtures() {
    }

    static PodTemplateSpec template(String image, String hash) {
        PodTemplateSpecBuilder b = new PodTemplateSpecBuilder()
                .withNewMetadata().addToLabels("app", "checkout").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec();
        if (hash != null) {
            b.editMetadata().addToLabels("pod-template-hash", hash).endMetadata();
        }
        return b.build();
    }

    static Deployment deployment(KubernetesClient client, String name, String uid, String image, long revision,
                                 boolean paused) {
        Deployment d = new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).withUid(uid)
                .addToAnnotations("deployment.kubernetes.io/revision", Long.toString(revision))
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"applied\":true}")
                .addToAnnotations("team", "payments-new")
                .endMetadata()
                .withNewSpec().withReplicas(2).withPaused(paused)
                .withNewSelector().addToMatchLabels("app", "checkout").endSelector()
                .withTemplate(template(image, null))
                .endSpec()
                .build();
        return client.apps().deployments().inNamespace(NS).resource(d).create();
    }

    static ReplicaSet replicaSet(KubernetesClient client, String name, String ownerUid, String image, long revision,
                                 Map<String, String> extraAnnotations) {
        String hash = name.substring(name.lastIndexOf('-') + 1);
        ReplicaSetBuilder b = new ReplicaSetBuilder()
                .withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("app", "checkout").addToLabels("pod-template-hash", hash)
                .addToAnnotations("deployment.kubernetes.io/revision", Long.toString(revision))
                .addToAnnotations("deployment.kubernetes.io/desired-replicas", "2")
                .addToAnnotations(extraAnnotations)
                .endMetadata()
                .withNewSpec().withReplicas(0)
                .withNewSelector().addToMatchLabels("app", "checkout").addToMatchLabels("pod-template-hash", hash)
                .endSelector()
                .withTemplate(template(image, hash))
                .endSpec();
        if (ownerUid != null) {
            b.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
                    .withName("checkout").withUid(ownerUid).withController(true).endOwnerReference().endMetadata();
        }
        return client.apps().replicaSets().inNamespace(NS).resource(b.build()).create();
    }

    static Deployment read(KubernetesClient client, String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }
}
