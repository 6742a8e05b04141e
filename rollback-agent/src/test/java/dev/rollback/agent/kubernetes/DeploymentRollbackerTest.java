package dev.rollback.agent.kubernetes;

import static dev.rollback.agent.kubernetes.Fixtures.NS;
import static dev.rollback.agent.kubernetes.Fixtures.deployment;
import static dev.rollback.agent.kubernetes.Fixtures.read;
import static dev.rollback.agent.kubernetes.Fixtures.replicaSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollback.agent.execute.RevertException;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeploymentRollbackerTest {

    @RegisterExtension
    static final KubernetesApiServer server = KubernetesApiServer.start();
    static final KubernetesClient client = server.client();

    private DeploymentRollbacker rollbacker;

    @BeforeEach
    void clean() {
        client.apps().deployments().inNamespace(NS).delete();
        client.apps().replicaSets().inNamespace(NS).delete();
        server.clearPatches();
        rollbacker = new DeploymentRollbacker(client);
    }

    private void threeRevisions() {
        String uid = deployment(client, "checkout", "ignored-by-the-mock", "shop/checkout:1.4.0", 3, false).getMetadata().getUid();
        replicaSet(client, "checkout-aaa111", uid, "shop/checkout:1.2.0", 1, Map.of("team", "payments-v1"));
        replicaSet(client, "checkout-bbb222", uid, "shop/checkout:1.3.0", 2, Map.of("team", "payments-v2"));
        replicaSet(client, "checkout-ccc333", uid, "shop/checkout:1.4.0", 3, Map.of("team", "payments-new"));
    }

    @Test
    void undoesToThePreviousRevisionStrippingTheHashAndRestoringAnnotations() {
        threeRevisions();

        DeploymentRollbacker.Resolution r = rollbacker.resolve(NS, "checkout", null);
        DeploymentRollbacker.Result result = rollbacker.rollback(NS, "checkout", r.target().replicaSet(), false);

        assertThat(r.current().revision()).isEqualTo(3);
        assertThat(r.target().replicaSet()).isEqualTo("checkout-bbb222");
        assertThat(result).isEqualTo(DeploymentRollbacker.Result.ROLLED_BACK);
        Deployment d = read(client, "checkout");
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("shop/checkout:1.3.0");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app", "checkout").doesNotContainKey("pod-template-hash");
        assertThat(d.getMetadata().getAnnotations())
                .containsEntry("team", "payments-v2")
                .containsEntry("deployment.kubernetes.io/revision", "3")
                .containsEntry("kubectl.kubernetes.io/last-applied-configuration", "{\"applied\":true}")
                .doesNotContainKey("deployment.kubernetes.io/desired-replicas");
    }

    @Test
    void undoesToANamedRevision() {
        threeRevisions();

        DeploymentRollbacker.Resolution r = rollbacker.resolve(NS, "checkout", 1L);
        rollbacker.rollback(NS, "checkout", r.target().replicaSet(), false);

        assertThat(r.target().version()).isEqualTo("revision 1 (shop/checkout:1.2.0)");
        assertThat(read(client, "checkout").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("shop/checkout:1.2.0");
    }

    @Test
    void refusesARevisionThatDoesNotExist() {
        threeRevisions();

        assertThatThrownBy(() -> rollbacker.resolve(NS, "checkout", 7L))
                .isInstanceOf(RevertException.class)
                .hasMessageContaining("unable to find revision 7").hasMessageContaining("[3, 2, 1]");
    }

    @Test
    void ignoresAForeignReplicaSetWithMatchingLabels() {
        String uid = deployment(client, "checkout", "ignored-by-the-mock", "shop/checkout:1.4.0", 3, false).getMetadata().getUid();
        replicaSet(client, "checkout-bbb222", uid, "shop/checkout:1.3.0", 2, Map.of());
        replicaSet(client, "checkout-ccc333", uid, "shop/checkout:1.4.0", 3, Map.of());
        // Same labels, a higher-but-one revision, but owned by another Deployment (or by none).
        replicaSet(client, "checkout-fff999", "uid-other", "evil/image:6.6.6", 2_5, Map.of());
        replicaSet(client, "checkout-eee888", null, "orphan/image:0.0.1", 2_4, Map.of());

        DeploymentRollbacker.Resolution r = rollbacker.resolve(NS, "checkout", null);

        assertThat(r.target().replicaSet()).isEqualTo("checkout-bbb222");
        assertThat(r.current().revision()).isEqualTo(3);
        assertThatThrownBy(() -> rollbacker.rollback(NS, "checkout", "checkout-fff999", false))
                .isInstanceOf(RevertException.class).hasMessageContaining("not owned by deployment shop/checkout");
    }

    @Test
    void refusesADeploymentWithASingleReplicaSetClearly() {
        String uid = deployment(client, "checkout", "ignored-by-the-mock", "shop/checkout:1.4.0", 1, false).getMetadata().getUid();
        replicaSet(client, "checkout-ccc333", uid, "shop/checkout:1.4.0", 1, Map.of());

        assertThatThrownBy(() -> rollbacker.resolve(NS, "checkout", null))
                .isInstanceOf(RevertException.class)
                .hasMessageContaining("no rollout history found for deployment shop/checkout")
                .hasMessageContaining("single ReplicaSet (revision 1)");
    }

    @Test
    void refusesAPausedDeployment() {
        String uid = deployment(client, "checkout", "ignored-by-the-mock", "shop/checkout:1.4.0", 2, true).getMetadata().getUid();
        replicaSet(client, "checkout-bbb222", uid, "shop/checkout:1.3.0", 1, Map.of());
        replicaSet(client, "checkout-ccc333", uid, "shop/checkout:1.4.0", 2, Map.of());

        assertThatThrownBy(() -> rollbacker.resolve(NS, "checkout", null))
                .isInstanceOf(RevertException.class)
                .hasMessageContaining("you cannot rollback a paused deployment")
                .hasMessageContaining("kubectl rollout resume deployment/checkout");
        assertThatThrownBy(() -> rollbacker.rollback(NS, "checkout", "checkout-bbb222", false))
                .isInstanceOf(RevertException.class).hasMessageContaining("paused");
        assertThat(read(client, "checkout").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("shop/checkout:1.4.0");
    }

    @Test
    void skipsWhenTheTemplateAlreadyMatchesTheRevision() {
        threeRevisions();
        Deployment before = read(client, "checkout");

        DeploymentRollbacker.Resolution r = rollbacker.resolve(NS, "checkout", 3L);
        DeploymentRollbacker.Result result = rollbacker.rollback(NS, "checkout", r.target().replicaSet(), false);

        assertThat(result).isEqualTo(DeploymentRollbacker.Result.SKIPPED);
        assertThat(read(client, "checkout").getMetadata().getResourceVersion())
                .isEqualTo(before.getMetadata().getResourceVersion());
    }

    @Test
    void dryRunIsSentAsSuchAndChangesNothing() {
        threeRevisions();
        Deployment before = read(client, "checkout");

        DeploymentRollbacker.Resolution r = rollbacker.resolve(NS, "checkout", null);
        DeploymentRollbacker.Result result = rollbacker.rollback(NS, "checkout", r.target().replicaSet(), true);

        assertThat(result).isEqualTo(DeploymentRollbacker.Result.DRY_RUN);
        assertThat(server.dryRunPatches()).containsExactly("/apis/apps/v1/namespaces/shop/deployments/checkout?dryRun=All");
        assertThat(server.patches()).isEmpty();
        Deployment after = read(client, "checkout");
        assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
        assertThat(after.getMetadata().getAnnotations()).isEqualTo(before.getMetadata().getAnnotations());
    }

    @Test
    void theRealPatchFollowsTheDryRunAndLands() {
        threeRevisions();

        DeploymentRollbacker.Resolution r = rollbacker.resolve(NS, "checkout", null);
        rollbacker.rollback(NS, "checkout", r.target().replicaSet(), true);
        DeploymentRollbacker.Result result = rollbacker.rollback(NS, "checkout", r.target().replicaSet(), false);

        assertThat(result).as("the dry run left the template as it was").isEqualTo(DeploymentRollbacker.Result.ROLLED_BACK);
        assertThat(server.dryRunPatches()).hasSize(1);
        assertThat(server.patches()).containsExactly("/apis/apps/v1/namespaces/shop/deployments/checkout");
        assertThat(read(client, "checkout").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("shop/checkout:1.3.0");
    }

    @Test
    void resolvesTheRevisionBeforeRefusingAPausedDeploymentAsKubectlDoes() {
        String uid = deployment(client, "checkout", "ignored-by-the-mock", "shop/checkout:1.4.0", 2, true).getMetadata().getUid();
        replicaSet(client, "checkout-ccc333", uid, "shop/checkout:1.4.0", 2, Map.of());

        assertThatThrownBy(() -> rollbacker.resolve(NS, "checkout", 9L))
                .isInstanceOf(RevertException.class)
                .hasMessageContaining("unable to find revision 9").hasMessageNotContaining("paused");
        assertThatThrownBy(() -> rollbacker.resolve(NS, "checkout", null))
                .isInstanceOf(RevertException.class)
                .hasMessageContaining("no rollout history found").hasMessageNotContaining("paused");
    }
}
