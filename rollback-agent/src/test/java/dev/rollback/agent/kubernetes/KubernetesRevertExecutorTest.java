package dev.rollback.agent.kubernetes;

import static dev.rollback.agent.kubernetes.Fixtures.NS;
import static dev.rollback.agent.kubernetes.Fixtures.deployment;
import static dev.rollback.agent.kubernetes.Fixtures.read;
import static dev.rollback.agent.kubernetes.Fixtures.replicaSet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.execute.RevertJob;
import dev.rollback.agent.execute.RevertOutcome;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Trigger;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KubernetesRevertExecutorTest {

    @RegisterExtension
    static final KubernetesApiServer server = KubernetesApiServer.start();
    static final KubernetesClient client = server.client();

    private final ExecutorService controller = Executors.newSingleThreadExecutor();
    private KubernetesRevertExecutor executor;

    @BeforeEach
    void setUp() {
        server.clearPatches();
        client.apps().deployments().inNamespace(NS).delete();
        client.apps().replicaSets().inNamespace(NS).delete();
        executor = new KubernetesRevertExecutor(client,
                new RolloutFollower(client, Clock.SYSTEM, Duration.ofSeconds(20), Duration.ofMillis(20)));
        String uid = deployment(client, "checkout", "x", "shop/checkout:1.4.0", 2, false).getMetadata().getUid();
        replicaSet(client, "checkout-bbb222", uid, "shop/checkout:1.3.0", 1, Map.of());
        replicaSet(client, "checkout-ccc333", uid, "shop/checkout:1.4.0", 2, Map.of());
    }

    @AfterEach
    void tearDown() {
        controller.shutdownNow();
    }

    private static RevertJob job(boolean resumed) {
        return new RevertJob(RevertRequest.queued("r-1", "checkout", Trigger.MANUAL, "test", null, null,
                Instant.EPOCH), ServiceConfigHolder.SERVICE, resumed);
    }

    /** The mock runs no controller: this plays its part once the template shows the old image. */
    private Future<?> controllerWrites(UnaryOperator<DeploymentBuilder> status) {
        return controller.submit(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Deployment d = read(client, "checkout");
                if ("shop/checkout:1.3.0".equals(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())) {
                    long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
                    client.apps().deployments().inNamespace(NS).withName("checkout").editStatus(x ->
                            status.apply(new DeploymentBuilder(x).editOrNewStatus()
                                    .withObservedGeneration(generation).endStatus()).build());
                    return null;
                }
                Thread.sleep(10);
            }
            return null;
        });
    }

    @Test
    void followsTheRolloutUntilItCompletes() throws Exception {
        Future<?> done = controllerWrites(b -> b.editStatus().withReplicas(2).withUpdatedReplicas(2)
                .withAvailableReplicas(2).endStatus());
        RevertPlan plan = executor.plan(job(false));

        RevertOutcome outcome = executor.execute(job(false), plan, false);

        done.get();
        assertThat(plan.fromVersion()).isEqualTo("revision 2 (shop/checkout:1.4.0)");
        assertThat(plan.toVersion()).isEqualTo("revision 1 (shop/checkout:1.3.0)");
        assertThat(outcome.state()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(outcome.detail()).endsWith("rollout: complete");
        assertThat(server.dryRunPatches()).as("checked first by a server-side dry run").hasSize(1);
        assertThat(server.patches()).as("then the real patch (the controller's status updates aside)")
                .filteredOn(path -> !path.contains("/status")).hasSize(1);
    }

    @Test
    void reportsAProgressDeadlineExceeded() throws Exception {
        Future<?> done = controllerWrites(b -> b.editStatus().withReplicas(3).withUpdatedReplicas(1)
                .addNewCondition().withType("Progressing").withStatus("False")
                .withReason("ProgressDeadlineExceeded").endCondition().endStatus());

        RevertOutcome outcome = executor.execute(job(false), executor.plan(job(false)), false);

        done.get();
        assertThat(outcome.state()).isEqualTo(RequestState.FAILED);
        assertThat(outcome.detail()).contains("rolled back deployment shop/checkout")
                .contains("ProgressDeadlineExceeded").contains("exceeded its progress deadline");
    }

    @Test
    void skipsAFreshRequestWhoseTargetIsAlreadyRunningButFollowsAResumedOne() throws Exception {
        RevertPlan plan = executor.plan(job(false));
        client.apps().deployments().inNamespace(NS).withName("checkout").edit(d -> new DeploymentBuilder(d)
                .editSpec().editTemplate().editSpec().editContainer(0).withImage("shop/checkout:1.3.0")
                .endContainer().endSpec().endTemplate().endSpec().build());
        Future<?> done = controllerWrites(b -> b.editStatus().withReplicas(2).withUpdatedReplicas(2)
                .withAvailableReplicas(2).endStatus());

        RevertOutcome fresh = executor.execute(job(false), plan, false);
        RevertOutcome resumed = executor.execute(job(true), plan, false);

        done.get();
        assertThat(fresh.state()).isEqualTo(RequestState.SKIPPED);
        assertThat(fresh.detail()).contains("already matches revision 1");
        assertThat(resumed.state()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(resumed.detail()).contains("resumed after an agent restart").endsWith("rollout: complete");
    }

    @Test
    void failsClearlyWhenThePlannedReplicaSetIsGone() {
        RevertPlan plan = executor.plan(job(false));
        client.apps().replicaSets().inNamespace(NS).withName("checkout-bbb222").delete();

        RevertOutcome outcome = executor.execute(job(false), plan, false);

        assertThat(outcome.state()).isEqualTo(RequestState.FAILED);
        assertThat(outcome.detail()).contains("checkout-bbb222 no longer exists");
        assertThat(read(client, "checkout").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("shop/checkout:1.4.0");
    }

    @Test
    void revertsTheDeploymentInTheNamespaceTheRequestNamesRatherThanTheConfiguredOne() throws Exception {
        ServiceConfig elsewhere = ServiceConfig.of("checkout", 1, new ExecutorConfig.Kubernetes("shop-eu", "checkout"));
        RevertJob job = new RevertJob(RevertRequest.queued("r-2", "checkout", Trigger.ALERT, "alert in " + NS, null,
                null, Instant.EPOCH, NS), elsewhere, false);
        Future<?> done = controllerWrites(b -> b.editStatus().withReplicas(2).withUpdatedReplicas(2)
                .withAvailableReplicas(2).endStatus());

        RevertOutcome outcome = executor.execute(job, executor.plan(job), false);

        done.get();
        assertThat(outcome.state()).as(outcome.detail()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(outcome.detail()).contains("rolled back deployment " + NS + "/checkout");
        assertThat(read(client, "checkout").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("shop/checkout:1.3.0");
    }

    /** The service under test, shared by the static job factory. */
    private static final class ServiceConfigHolder {
        static final ServiceConfig SERVICE =
                ServiceConfig.of("checkout", 1, new ExecutorConfig.Kubernetes(NS, "checkout"));
    }
}
