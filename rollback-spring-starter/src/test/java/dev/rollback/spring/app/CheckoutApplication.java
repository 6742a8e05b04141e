package dev.rollback.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application of the end-to-end tests: one controller, one service with two guarded features. */
@SpringBootApplication
public class CheckoutApplication {
}
