package dev.rollback.agent.watch;

import dev.rollback.agent.config.ServiceConfig;
import java.net.URI;
import java.util.List;

/** Lists the health report URLs of a service's instances now. */
@FunctionalInterface
public interface InstanceSource {

    /**
     * Returns the URLs to poll.
     *
     * @param service the service
     * @return the URLs, possibly empty
     */
    List<URI> instances(ServiceConfig service);
}
