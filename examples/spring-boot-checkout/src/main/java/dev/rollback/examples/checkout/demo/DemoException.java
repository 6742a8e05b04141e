package dev.rollback.examples.checkout.demo;

import java.io.Serial;

/** The demo cannot go on: a server refused it or cannot be reached. The message says what and where. */
final class DemoException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    DemoException(String message) {
        super(message);
    }

    DemoException(String message, Throwable cause) {
        super(message, cause);
    }
}
