package dev.rollback.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.PodDiscovery;
import dev.rollback.agent.config.Quorum;
import dev.rollback.agent.config.ServiceConfig;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ConfiguredInstancesTest {

    static KubernetesClient client;

    private void pod(String name, String app, String phase, String ip) {
        client.pods().inNamespace("shop").resource(new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app", app).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("x").endContainer().endSpec()
                .withNewStatus().withPhase(phase).withPodIP(ip).endStatus()
                .build()).create();
    }

    @Test
    void findsTheRunningPodsOfAServiceByLabel() {
        pod("checkout-1", "checkout", "Running", "10.1.0.1");
        pod("checkout-2", "checkout", "Pending", null);
        pod("checkout-3", "checkout", "Running", "fd00::3");
        pod("payments-1", "payments", "Running", "10.1.0.9");
        ServiceConfig service = new ServiceConfig("checkout", 0, null, new ExecutorConfig.Kubernetes("shop", "checkout"),
                List.of(URI.create("http://static:8080/h")), new PodDiscovery("shop", "app=checkout", 8080, "/h"),
                Quorum.DEFAULT, 0);

        List<URI> urls = new ConfiguredInstances(() -> client).instances(service);

        assertThat(urls).containsExactlyInAnyOrder(URI.create("http://static:8080/h"),
                URI.create("http://10.1.0.1:8080/h"), URI.create("http://[fd00::3]:8080/h"));
    }
}
