package dev.rollback.examples.checkout.order;

/**
 * The body of {@code POST /orders}.
 *
 * @param userId       who orders; also the stickiness key, so one user stays on one checkout path
 * @param customerName the name on the order, e.g. {@code Ada Lovelace}
 * @param sku          the product
 * @param quantity     how many, 1 to {@value #MAXIMUM_QUANTITY}
 */
public record OrderRequest(String userId, String customerName, String sku, int quantity) {

    /** The most items of one product in one order. */
    public static final int MAXIMUM_QUANTITY = 100;

    /**
     * Checks what a client could get wrong.
     *
     * @throws InvalidOrderException naming the bad field and its value
     */
    public void validate() {
        requireText("userId", userId, 64);
        requireText("customerName", customerName, 200);
        requireText("sku", sku, 32);
        if (quantity < 1 || quantity > MAXIMUM_QUANTITY) {
            throw new InvalidOrderException("quantity must be between 1 and " + MAXIMUM_QUANTITY + ", was " + quantity);
        }
    }

    private static void requireText(String field, String value, int maximumLength) {
        if (value == null || value.isBlank()) {
            throw new InvalidOrderException(field + " is required");
        }
        if (value.length() > maximumLength) {
            throw new InvalidOrderException(field + " is longer than " + maximumLength + " characters");
        }
    }
}
