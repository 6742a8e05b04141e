package dev.rollback.agent.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.ExecutorConfig.ArgoAction;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.execute.RevertException;
import dev.rollback.agent.execute.RevertJob;
import dev.rollback.agent.execute.RevertOutcome;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Trigger;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.micrometer.core.instrument.Clock;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cases of argoproj/argo-rollouts' {@code cmd/undo/undo_test.go} and {@code cmd/abort}, on
 * fixtures shaped like its {@code info/testdata/canary} ones (a Rollout at revision 31 in its canary
 * steps, revision 30 stable, revision 29 older), on fabric8's mock API server. The mock runs no
 * controller: a thread plays its part where a test needs the Rollout's status to move.
 */
class ArgoRolloutRevertExecutorTest {

    @RegisterExtension
    static final KubernetesApiServer server = KubernetesApiServer.start();
    static final KubernetesClient client = server.client();

    static final String NS = "jesse-test";
    static final String GREEN = "argoproj/rollouts-demo:green";
    static final String BROKEN = "argoproj/rollouts-demo:does-not-exist";

    private final ExecutorService controller = Executors.newSingleThreadExecutor();
    private ArgoRolloutRevertExecutor executor;

    @BeforeEach
    void setUp() {
        server.clearPatches();
        executor = new ArgoRolloutRevertExecutor(client,
                new RolloutFollower(client, Clock.SYSTEM, Duration.ofSeconds(20), Duration.ofMillis(20)));
        createRollout(status -> { });
        server.clearPatches();
    }

    @AfterEach
    void tearDown() {
        controller.shutdownNow();
    }

    @Test
    void abortsACanaryMidStepThroughTheStatusSubresourceAndLeavesTheSpecAlone() throws Exception {
        Future<?> done = controllerActs(ro -> Boolean.TRUE.equals(status(ro).get("abort")), status -> {
            status.put("phase", "Degraded");
            status.put("message", "RolloutAborted: Rollout aborted update to revision 31");
        });
        RevertJob job = job(ArgoAction.ABORT, null);

        RevertPlan plan = executor.plan(job);
        RevertOutcome outcome = executor.execute(job, plan, false);

        done.get();
        assertThat(plan).isEqualTo(new RevertPlan("revision 31 (" + BROKEN + ")", "revision 30 (" + GREEN + ")",
                "abort:canary-demo-877894d5b"));
        assertThat(outcome.state()).as(outcome.detail()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(outcome.detail()).startsWith("aborted rollout jesse-test/canary-demo from revision 31")
                .contains("RolloutAborted");
        assertThat(server.dryRunPatches()).as("the abort checked first by a server-side dry run")
                .singleElement().asString().contains("/rollouts/canary-demo/status?").contains("dryRun=All");
        assertThat(server.patches()).singleElement().asString().endsWith("/rollouts/canary-demo/status");
        assertThat(image(rollout())).as("an abort leaves the new template in the spec").isEqualTo(BROKEN);
    }

    @Test
    void refusesToAbortAFullyPromotedRollout() {
        promote();

        assertThatThrownBy(() -> executor.plan(job(ArgoAction.ABORT, null)))
                .isInstanceOf(RevertException.class)
                .hasMessageContaining("rollout jesse-test/canary-demo has no update in progress")
                .hasMessageContaining("argoAction: undo");
    }

    @Test
    void undoesACompletedRolloutToThePreviousRevisionAndFollowsItUntilHealthy() throws Exception {
        promote();
        Future<?> done = healthyOn(GREEN);
        RevertJob job = job(ArgoAction.ABORT_THEN_UNDO, null);

        RevertPlan plan = executor.plan(job);
        RevertOutcome outcome = executor.execute(job, plan, false);

        done.get();
        assertThat(plan.target()).as("nothing in progress, so only an undo").isEqualTo("undo:canary-demo-877894d5b");
        assertThat(outcome.state()).as(outcome.detail()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(outcome.detail()).endsWith("rollout: rollout \"canary-demo\" Healthy");
        Map<String, Object> template = template(rollout());
        assertThat(labels(template)).as("without the ReplicaSet's hash label, as undo.go")
                .isEqualTo(Map.of("app", "canary-demo"));
        assertThat(image(rollout())).isEqualTo(GREEN);
        assertThat(server.dryRunPatches()).singleElement().asString().doesNotContain("/status");
        assertThat(server.patches()).singleElement().asString().endsWith("/rollouts/canary-demo");
    }

    @Test
    void abortsThenUndoesAPausedCanaryToItsStableReplicaSet() throws Exception {
        patchStatus(status -> {
            status.put("currentStepIndex", 1);
            status.put("phase", "Paused");
            status.put("message", "CanaryPauseStep");
            status.put("controllerPause", true);
            status.put("pauseConditions", List.of(Map.of("reason", "CanaryPauseStep",
                    "startTime", "2019-10-28T04:52:55Z")));
        });
        Future<?> done = healthyOn(GREEN);
        RevertJob job = job(ArgoAction.ABORT_THEN_UNDO, null);

        RevertPlan plan = executor.plan(job);
        RevertOutcome outcome = executor.execute(job, plan, false);

        done.get();
        assertThat(plan.target()).isEqualTo("abort+undo:canary-demo-877894d5b");
        assertThat(outcome.state()).as(outcome.detail()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(server.dryRunPatches()).as("both checked before either is sent").hasSize(2);
        assertThat(server.patches()).hasSize(2).first().asString().endsWith("/status");
        assertThat(image(rollout())).isEqualTo(GREEN);
        assertThat(status(rollout())).containsEntry("abort", true);
    }

    @Test
    void undoesAPausedRolloutUnlikeAPausedDeployment() throws Exception {
        createRollout(status -> status.put("phase", "Paused"));
        rollout(ro -> spec(ro).put("paused", true));
        Future<?> done = healthyOn(GREEN);

        RevertOutcome outcome = executor.execute(job(ArgoAction.UNDO, null), executor.plan(job(ArgoAction.UNDO, null)),
                false);

        done.get();
        assertThat(outcome.state()).as(outcome.detail()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(image(rollout())).isEqualTo(GREEN);
    }

    @Test
    void waitsThroughPausedAndProgressingAndReportsDegraded() throws Exception {
        Future<?> done = controllerActs(ro -> GREEN.equals(image(ro)), status -> {
            status.put("observedGeneration", "430");
            status.put("phase", "Degraded");
            status.put("message", "ProgressDeadlineExceeded: ReplicaSet \"canary-demo-877894d5b\" has timed out"
                    + " progressing.");
        });

        RevertOutcome outcome = executor.execute(job(ArgoAction.UNDO, null), executor.plan(job(ArgoAction.UNDO, null)),
                false);

        done.get();
        assertThat(outcome.state()).isEqualTo(RequestState.FAILED);
        assertThat(outcome.detail()).contains("rolled back rollout jesse-test/canary-demo")
                .contains("is in a degraded state: Degraded - ProgressDeadlineExceeded");
    }

    @Test
    void refusesToUndoARolloutWhoseTemplateIsAWorkloadRefButAbortsIt() {
        rollout(ro -> spec(ro).put("workloadRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                "name", "canary-demo-deploy")));

        assertThatThrownBy(() -> executor.plan(job(ArgoAction.ABORT_THEN_UNDO, null)))
                .hasMessageContaining("takes its template from a workloadRef");
        assertThat(executor.plan(job(ArgoAction.ABORT, null)).target()).isEqualTo("abort:canary-demo-877894d5b");
    }

    @Test
    void refusesWithoutHistory() {
        client.apps().replicaSets().inNamespace(NS).withName("canary-demo-877894d5b").delete();
        client.apps().replicaSets().inNamespace(NS).withName("canary-demo-859c99b45c").delete();
        promote();

        assertThatThrownBy(() -> executor.plan(job(ArgoAction.UNDO, null)))
                .isInstanceOf(RevertException.class)
                .hasMessage("no rollout history found for rollout jesse-test/canary-demo: it owns a single ReplicaSet"
                        + " (revision 31), so there is no previous revision to go back to");
    }

    @Test
    void ignoresReplicaSetsTheRolloutDoesNotControl() {
        ReplicaSet foreign = new ReplicaSetBuilder(load("canary-demo-65fb5ffc84", ReplicaSet.class))
                .editMetadata().withName("canary-demo-ffffffff").addToAnnotations(
                        ArgoRolloutRevertExecutor.REVISION_ANNOTATION, "40")
                .editFirstOwnerReference().withUid("another-rollout").endOwnerReference().endMetadata().build();
        client.apps().replicaSets().inNamespace(NS).resource(foreign).create();
        promote();

        RevertPlan plan = executor.plan(job(ArgoAction.UNDO, null));

        assertThat(plan.fromVersion()).startsWith("revision 31");
        assertThat(plan.target()).isEqualTo("undo:canary-demo-877894d5b");
    }

    @Test
    void undoesToTheRequestedRevision() throws Exception {
        Future<?> done = healthyOn("argoproj/rollouts-demo:blue");
        RevertJob job = job(ArgoAction.ABORT_THEN_UNDO, 29L);

        RevertPlan plan = executor.plan(job);
        RevertOutcome outcome = executor.execute(job, plan, false);

        done.get();
        assertThat(plan.target()).isEqualTo("abort+undo:canary-demo-859c99b45c");
        assertThat(outcome.state()).as(outcome.detail()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(image(rollout())).isEqualTo("argoproj/rollouts-demo:blue");
        assertThatThrownBy(() -> executor.plan(job(ArgoAction.UNDO, 7L)))
                .hasMessage("unable to find revision 7 of rollout jesse-test/canary-demo; its revisions are [31, 30, 29]");
        assertThatThrownBy(() -> executor.plan(job(ArgoAction.ABORT, 29L)))
                .hasMessageContaining("goes back to its stable ReplicaSet, not to revision 29");
    }

    @Test
    void dryRunChangesNothing() {
        RevertJob job = job(ArgoAction.ABORT_THEN_UNDO, null);

        RevertOutcome outcome = executor.execute(job, executor.plan(job), true);

        assertThat(outcome.state()).isEqualTo(RequestState.DRY_RUN);
        assertThat(outcome.detail()).isEqualTo("server-side dry run accepted: abort and undo of rollout"
                + " jesse-test/canary-demo would go back to revision 30 (" + GREEN + ")");
        assertThat(server.dryRunPatches()).hasSize(2);
        assertThat(server.patches()).isEmpty();
        assertThat(image(rollout())).isEqualTo(BROKEN);
    }

    @Test
    void skipsAFreshRequestAlreadyDoneButFollowsAResumedOne() throws Exception {
        RevertPlan plan = executor.plan(job(ArgoAction.UNDO, null));
        rollout(ro -> map(((List<?>) map(template(ro).get("spec")).get("containers")).get(0)).put("image", GREEN));
        Future<?> done = healthyOn(GREEN);

        RevertOutcome fresh = executor.execute(new RevertJob(job(ArgoAction.UNDO, null).request(),
                job(ArgoAction.UNDO, null).service(), false), plan, false);
        RevertOutcome resumed = executor.execute(new RevertJob(job(ArgoAction.UNDO, null).request(),
                job(ArgoAction.UNDO, null).service(), true), plan, false);

        done.get();
        assertThat(fresh.state()).isEqualTo(RequestState.SKIPPED);
        assertThat(fresh.detail()).contains("already at the template of revision 30");
        assertThat(resumed.state()).as(resumed.detail()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(resumed.detail()).contains("resumed after an agent restart");
        assertThat(server.patches()).isEmpty();
    }

    @Test
    void readsThePhaseOnlyOnceTheControllerHasObservedTheSpec() {
        GenericKubernetesResource ro = rollout();
        ro.getMetadata().setGeneration(429L);
        status(ro).put("phase", "Healthy");
        status(ro).put("observedGeneration", "428");

        assertThat(ArgoRolloutRevertExecutor.status(ro, 0, false).status()).isNull();
        assertThat(ArgoRolloutRevertExecutor.status(ro, 0, false).message())
                .isEqualTo("waiting for rollout spec update to be observed");
        status(ro).put("observedGeneration", "429");
        assertThat(ArgoRolloutRevertExecutor.status(ro, 0, false).status()).isEqualTo(RolloutFollower.Status.COMPLETE);
        assertThat(ArgoRolloutRevertExecutor.status(ro, 430, false).status()).as("the patch's generation").isNull();
        status(ro).put("controllerPause", true);
        assertThat(ArgoRolloutRevertExecutor.status(ro, 0, false).message()).isEqualTo("waiting for rollout to unpause");
    }

    @Test
    void anAbortIsNotJudgedByADegradedPhaseFromBeforeIt() {
        GenericKubernetesResource ro = rollout();
        ro.getMetadata().setGeneration(429L);
        status(ro).put("phase", "Degraded");
        status(ro).put("message", "ProgressDeadlineExceeded: ReplicaSet \"canary-demo-65fb5ffc84\" has timed out");

        assertThat(ArgoRolloutRevertExecutor.status(ro, 0, true).status()).as("the abort not seen yet").isNull();
        assertThat(ArgoRolloutRevertExecutor.status(ro, 0, false).status()).isEqualTo(RolloutFollower.Status.DEGRADED);
        status(ro).put("message", "RolloutAborted: Rollout aborted update to revision 31");
        assertThat(ArgoRolloutRevertExecutor.status(ro, 0, true).status()).isEqualTo(RolloutFollower.Status.COMPLETE);
    }

    private static RevertJob job(ArgoAction action, Long toRevision) {
        ServiceConfig service = ServiceConfig.of("canary-demo", 1,
                new ExecutorConfig.ArgoRollout(NS, "canary-demo", action));
        return new RevertJob(RevertRequest.queued("r-1", "canary-demo", Trigger.MANUAL, "test", null, toRevision,
                Instant.EPOCH), service, false);
    }

    /** Plays the controller: once the Rollout shows an image, reports it Healthy on it. */
    private Future<?> healthyOn(String image) {
        return controllerActs(ro -> image.equals(image(ro)), status -> {
            status.put("observedGeneration", "430");
            status.put("phase", "Healthy");
            status.remove("message");
        });
    }

    private Future<?> controllerActs(Predicate<GenericKubernetesResource> when, Consumer<Map<String, Object>> then) {
        return controller.submit(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (when.test(rollout())) {
                    rollout(ro -> {
                        ro.getMetadata().setGeneration(430L);
                        then.accept(status(ro));
                    });
                    return null;
                }
                Thread.sleep(10);
            }
            return null;
        });
    }

    /** Creates the Rollout and its three ReplicaSets, owned by the UID the server gave it. */
    private static void createRollout(Consumer<Map<String, Object>> status) {
        resource().delete();
        client.apps().replicaSets().inNamespace(NS).delete();
        GenericKubernetesResource ro = load("canary-rollout", GenericKubernetesResource.class);
        status.accept(status(ro));
        String uid = resource().resource(ro).create().getMetadata().getUid();
        for (String name : List.of("canary-demo-65fb5ffc84", "canary-demo-877894d5b", "canary-demo-859c99b45c")) {
            ReplicaSet rs = new ReplicaSetBuilder(load(name, ReplicaSet.class)).editMetadata()
                    .editFirstOwnerReference().withUid(uid).endOwnerReference().endMetadata().build();
            client.apps().replicaSets().inNamespace(NS).resource(rs).create();
        }
    }

    /** The update of revision 31 is finished: it is the stable ReplicaSet. */
    private static void promote() {
        patchStatus(status -> {
            status.put("stableRS", "65fb5ffc84");
            status.put("phase", "Healthy");
            status.remove("message");
            status.remove("currentStepIndex");
        });
    }

    private static void patchStatus(Consumer<Map<String, Object>> change) {
        rollout(ro -> change.accept(status(ro)));
    }

    /** Writes the Rollout whole (PUT), as the controller does, so that only the agent's patches are counted. */
    private static void rollout(Consumer<GenericKubernetesResource> change) {
        GenericKubernetesResource ro = rollout();
        change.accept(ro);
        ro.getMetadata().setResourceVersion(null);
        resource().resource(ro).update();
    }

    private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            resource() {
        return client.genericKubernetesResources(ArgoRolloutRevertExecutor.ROLLOUT).inNamespace(NS);
    }

    private static GenericKubernetesResource rollout() {
        return resource().withName("canary-demo").get();
    }

    private static <T> T load(String name, Class<T> type) {
        try (InputStream in = ArgoRolloutRevertExecutorTest.class.getResourceAsStream("/argo/" + name + ".yaml")) {
            return client.getKubernetesSerialization().unmarshal(in, type);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Object> status(GenericKubernetesResource ro) {
        return map(ro.getAdditionalProperties().computeIfAbsent("status", k -> new LinkedHashMap<>()));
    }

    private static Map<String, Object> spec(GenericKubernetesResource ro) {
        return map(ro.getAdditionalProperties().get("spec"));
    }

    private static Map<String, Object> template(GenericKubernetesResource ro) {
        return map(spec(ro).get("template"));
    }

    private static Object labels(Map<String, Object> template) {
        return map(template.get("metadata")).get("labels");
    }

    private static String image(GenericKubernetesResource ro) {
        return String.valueOf(((Map<?, ?>) ((List<?>) map(template(ro).get("spec")).get("containers")).get(0))
                .get("image"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
