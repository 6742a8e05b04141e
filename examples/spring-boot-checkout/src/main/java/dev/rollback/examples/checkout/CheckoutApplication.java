package dev.rollback.examples.checkout;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small checkout service that uses the rollback library as a user would: the starter is its only
 * rollback dependency, {@code POST /orders} goes through a {@code @Rollbackable} new checkout path
 * ({@code checkout-v2}) with the old one as fallback, and the schema change the new path needs is an
 * expand/contract migration.
 *
 * <p>The demo ({@code -Pdemo}, see {@code demo.CheckoutDemo}) starts it on a free port, and so do the
 * tests; its {@code main} is what a deployment would run.
 */
@SpringBootApplication
public class CheckoutApplication {

    /**
     * Starts the service.
     *
     * @param args Spring Boot's command line, e.g. {@code --server.port=8080}
     */
    public static void main(String[] args) {
        SpringApplication.run(CheckoutApplication.class, args);
    }
}
