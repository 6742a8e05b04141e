package dev.rollback.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.DatabaseConfig;
import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.KubernetesConfig;
import dev.rollback.agent.config.ServerConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.kubernetes.KubernetesApiServer;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertRequest;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent: an Alertmanager webhook over HTTP becomes a rollout undo of the Deployment in the
 * (mock) cluster, followed until complete, and one record in the ledger kept in the store's H2 file.
 */
class AgentEndToEndTest {

    private static final String TOKEN = "end-to-end-token-0123456789";

    @RegisterExtension
    static final KubernetesApiServer server = KubernetesApiServer.start();
    static final KubernetesClient client = server.client();

    @TempDir
    Path dir;

    private static PodTemplateSpec template(String image, String hash) {
        PodTemplateSpecBuilder b = new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "checkout")
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec();
        if (hash != null) {
            b.editMetadata().addToLabels("pod-template-hash", hash).endMetadata();
        }
        return b.build();
    }

    private static void replicaSet(String name, String uid, String image, int revision) {
        String hash = name.substring(name.lastIndexOf('-') + 1);
        client.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(name).addToLabels("app", "checkout").addToLabels("pod-template-hash", hash)
                .addToAnnotations("deployment.kubernetes.io/revision", Integer.toString(revision))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                        .withName("checkout").withUid(uid).withController(true).build())
                .endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "checkout").endSelector()
                .withTemplate(template(image, hash)).endSpec().build()).create();
    }

    @Test
    void anAlertRevertsTheDeploymentAndIsRecordedOnce() throws Exception {
        Deployment d = client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName("checkout")
                .addToAnnotations("deployment.kubernetes.io/revision", "2").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "checkout").endSelector()
                .withTemplate(template("shop/checkout:2.0.0", null)).endSpec().build()).create();
        replicaSet("checkout-old111", d.getMetadata().getUid(), "shop/checkout:1.9.0", 1);
        replicaSet("checkout-new222", d.getMetadata().getUid(), "shop/checkout:2.0.0", 2);
        String store = "jdbc:h2:file:" + dir.resolve("agent") + ";DB_CLOSE_ON_EXIT=FALSE";
        AgentConfig config = AgentConfig.builder(new ServerConfig("127.0.0.1", 0, TOKEN, false, 1 << 20))
                .store(new DatabaseConfig(store, "", ""))
                .kubernetes(new KubernetesConfig(Duration.ofSeconds(20), Duration.ofMillis(20)))
                .service(ServiceConfig.of("checkout", 0, new ExecutorConfig.Kubernetes("shop", "checkout")))
                .build();

        try (Agent agent = Agent.builder(config).kubernetes(client).start()) {
            String alert = """
                    {"version":"4","groupKey":"{}:{alertname=\\"CheckoutDown\\"}","truncatedAlerts":0,
                     "status":"firing","receiver":"rollback-agent","groupLabels":{},"commonLabels":{},
                     "commonAnnotations":{},"externalURL":"http://alertmanager:9093",
                     "alerts":[{"status":"firing","labels":{"alertname":"CheckoutDown","service":"checkout",
                       "rollback_action":"revert"},"annotations":{"summary":"5xx above 20%"},
                       "startsAt":"2026-11-26T10:15:30Z","endsAt":"0001-01-01T00:00:00Z",
                       "generatorURL":"http://prometheus:9090","fingerprint":"1a2b3c4d5e6f7a8b"}]}
                    """;
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + agent.port() + "/alerts"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(alert)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);

            // Play the Deployment controller: once the old template is back, the rollout completes.
            await().atMost(Duration.ofSeconds(20)).until(() -> "shop/checkout:1.9.0".equals(client.apps().deployments()
                    .inNamespace("shop").withName("checkout").get().getSpec().getTemplate().getSpec().getContainers()
                    .get(0).getImage()));
            client.apps().deployments().inNamespace("shop").withName("checkout").editStatus(x -> new DeploymentBuilder(x)
                    .editOrNewStatus().withObservedGeneration(x.getMetadata().getGeneration())
                    .withReplicas(1).withUpdatedReplicas(1).withAvailableReplicas(1).endStatus().build());

            await().atMost(Duration.ofSeconds(20)).until(() -> agent.store().latest(10).stream()
                    .allMatch(q -> q.state().terminal()) && agent.store().unrecorded().isEmpty());
            RevertRequest done = agent.store().latest(10).get(0);
            assertThat(done.state()).isEqualTo(RequestState.SUCCEEDED);
            assertThat(done.detail()).contains("from revision 2 (shop/checkout:2.0.0) to revision 1 (shop/checkout:1.9.0)")
                    .endsWith("rollout: complete");
            try (Connection c = DriverManager.getConnection(store); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, trigger_kind, from_version, to_version, outcome"
                         + " FROM rollback_record")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(done.id());
                assertThat(rs.getString(2)).isEqualTo("alert");
                assertThat(rs.getString(3)).isEqualTo("revision 2 (shop/checkout:2.0.0)");
                assertThat(rs.getString(4)).isEqualTo("revision 1 (shop/checkout:1.9.0)");
                assertThat(rs.getString(5)).isEqualTo("SUCCEEDED");
                assertThat(rs.next()).isFalse();
            }
        }
    }
}
