package dev.rollback.agent.watch;

import dev.rollback.agent.config.PodDiscovery;
import dev.rollback.agent.config.ServiceConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances a service's configuration names: its health URLs, plus its running pods when pod
 * discovery is configured (read with the fabric8 client: list pods by label selector, phase
 * {@code Running} with an IP, not being deleted).
 */
public final class ConfiguredInstances implements InstanceSource {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredInstances.class);

    private final Supplier<KubernetesClient> kubernetes;

    /**
     * Creates the source.
     *
     * @param kubernetes gives the client when a service uses pod discovery; only called then
     */
    public ConfiguredInstances(Supplier<KubernetesClient> kubernetes) {
        this.kubernetes = kubernetes;
    }

    @Override
    public List<URI> instances(ServiceConfig service) {
        List<URI> urls = new ArrayList<>(service.healthUrls());
        PodDiscovery pods = service.pods();
        if (pods != null) {
            try {
                List<Pod> found = kubernetes.get().pods().inNamespace(pods.namespace())
                        .withLabels(labels(pods.selector())).list().getItems();
                for (Pod pod : found) {
                    if (pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                            && "Running".equals(pod.getStatus().getPhase()) && pod.getStatus().getPodIP() != null) {
                        String ip = pod.getStatus().getPodIP();
                        String host = ip.contains(":") ? "[" + ip + "]" : ip;
                        urls.add(URI.create("http://" + host + ":" + pods.port() + pods.path()));
                    }
                }
            } catch (KubernetesClientException e) {
                LOG.warn("Listing the pods of {} ({}) failed: {}", service.name(), pods.selector(), e.getMessage());
            }
        }
        return urls;
    }

    static Map<String, String> labels(String selector) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String part : selector.split(",")) {
            String[] kv = part.split("==|=", 2);
            labels.put(kv[0].strip(), kv.length > 1 ? kv[1].strip() : "");
        }
        return labels;
    }
}
