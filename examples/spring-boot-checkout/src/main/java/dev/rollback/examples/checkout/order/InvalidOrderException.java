package dev.rollback.examples.checkout.order;

import java.io.Serial;

/** A client sent an order that cannot be placed; answered with HTTP 400 and the message. */
public class InvalidOrderException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong, with the value
     */
    public InvalidOrderException(String message) {
        super(message);
    }
}
