package dev.rollback.agent.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * fabric8's CRUD mock API server, with one thing a real API server does and the mock does not: a
 * PATCH with {@code ?dryRun=All} (of an object or of its {@code status} subresource) is answered
 * with the object and <b>not stored</b>. fabric8's mock
 * applies it, after which the template already matches and the real PATCH is never sent; here the
 * real PATCH follows and lands. The patches received are kept, so tests can tell a dry run from a
 * real one. Register it as a static extension ({@code @RegisterExtension static final
 * KubernetesApiServer server = KubernetesApiServer.start();}): it stops after the class's tests.
 */
public final class KubernetesApiServer implements AutoCloseable, AfterAllCallback {

    /** Answers dry-run patches without storing them, and the rest as fabric8's CRUD mock. */
    private static final class Dispatcher extends KubernetesCrudDispatcher {
        final List<String> dryRunPatches = new CopyOnWriteArrayList<>();
        final List<String> patches = new CopyOnWriteArrayList<>();

        @Override
        public MockResponse handlePatch(RecordedRequest request) {
            String path = request.getPath();
            int query = path.indexOf('?');
            if (query >= 0 && List.of(path.substring(query + 1).split("&")).contains("dryRun=All")) {
                dryRunPatches.add(path);
                String object = path.substring(0, query);
                return handleGet(object.endsWith("/status") ? object.substring(0, object.length() - 7) : object);
            }
            patches.add(path);
            return super.handlePatch(request);
        }
    }

    private final Dispatcher dispatcher = new Dispatcher();
    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private KubernetesApiServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        client = server.createClient();
    }

    /**
     * Starts a server on a free port of the loopback interface.
     *
     * @return the server
     */
    public static KubernetesApiServer start() {
        return new KubernetesApiServer();
    }

    /**
     * Returns a client of this server.
     *
     * @return the client
     */
    public KubernetesClient client() {
        return client;
    }

    /**
     * Returns the paths of the dry-run patches received, which changed nothing.
     *
     * @return the paths, oldest first
     */
    public List<String> dryRunPatches() {
        return List.copyOf(dispatcher.dryRunPatches);
    }

    /**
     * Returns the paths of the real patches received.
     *
     * @return the paths, oldest first
     */
    public List<String> patches() {
        return List.copyOf(dispatcher.patches);
    }

    /** Forgets the patches received. */
    public void clearPatches() {
        dispatcher.dryRunPatches.clear();
        dispatcher.patches.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
