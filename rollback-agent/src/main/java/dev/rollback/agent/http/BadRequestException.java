package dev.rollback.agent.http;

/** A request the agent cannot use; the message says which field is wrong and how. */
public final class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status to answer. */
    private final int status;

    /**
     * Creates the exception.
     *
     * @param status  the HTTP status to answer, a 4xx
     * @param message what is wrong
     */
    public BadRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * Returns the HTTP status to answer.
     *
     * @return a 4xx status
     */
    public int status() {
        return status;
    }
}
