package dev.rollback.examples.checkout.order;

/**
 * What {@code POST /orders} answers.
 *
 * @param orderId    the order's id
 * @param totalCents what the order costs, in cents
 * @param path       which checkout wrote it: {@code v2} (the new path) or {@code v1} (the old path,
 *                   also when it answered for a failed new path); shown so that a client can tell, not
 *                   something a real API would need
 */
public record OrderReceipt(long orderId, long totalCents, String path) {
}
