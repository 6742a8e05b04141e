package dev.rollback.agent.throttle;

/** A revert was asked for a service the agent is not configured for. */
public final class UnknownServiceException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param service the service name
     */
    public UnknownServiceException(String service) {
        super("service '" + service + "' is not configured in the agent; add it under 'services' to revert it");
    }
}
