package dev.rollback.examples.checkout.order;

import java.time.Instant;

/**
 * An order as stored, as {@code GET /orders/{id}} answers it.
 *
 * @param id           the order's id
 * @param userId       who ordered
 * @param customerName the full name (the column the old path writes and reads)
 * @param firstName    the first name (the column the new path writes), or {@code null} if unknown
 * @param lastName     the last name (the column the new path writes), or {@code null} if unknown
 * @param sku          the product
 * @param quantity     how many
 * @param totalCents   what it costs, in cents
 * @param createdAt    when it was placed
 */
public record Order(long id, String userId, String customerName, String firstName, String lastName, String sku,
                    int quantity, long totalCents, Instant createdAt) {

    /**
     * Returns the same order with a full name.
     *
     * @param name the full name
     * @return the order
     */
    public Order withCustomerName(String name) {
        return new Order(id, userId, name, firstName, lastName, sku, quantity, totalCents, createdAt);
    }
}
