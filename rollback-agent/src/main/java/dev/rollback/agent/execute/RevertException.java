package dev.rollback.agent.execute;

/**
 * A revert that cannot be planned or carried out, with a message that says why and what to do,
 * e.g. a paused Deployment or a Deployment without rollout history.
 */
public final class RevertException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why
     */
    public RevertException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message why
     * @param cause   the cause
     */
    public RevertException(String message, Throwable cause) {
        super(message, cause);
    }
}
