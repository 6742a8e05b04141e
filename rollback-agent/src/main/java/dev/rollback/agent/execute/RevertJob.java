package dev.rollback.agent.execute;

import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.request.RevertRequest;
import java.util.Objects;

/**
 * One revert to carry out.
 *
 * @param request the request
 * @param service the service's configuration
 * @param resumed whether this is the second attempt of a request that was running when the agent
 *                stopped: its plan may already have been applied
 */
public record RevertJob(RevertRequest request, ServiceConfig service, boolean resumed) {

    /**
     * Checks that no component is null.
     */
    public RevertJob {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(service, "service");
    }
}
