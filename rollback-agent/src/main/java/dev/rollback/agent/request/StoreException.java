package dev.rollback.agent.request;

/** The request store could not read or write; the message says what it was doing. */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause   the cause, or {@code null}
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
