package dev.rollback.examples.checkout.demo;

/** Which reflex the demo shows. */
enum Scenario implements OptionValue {

    /**
     * The feature reflex: the new checkout ({@code checkout-v2}, with an old path) is rolled out,
     * regresses and is rolled back in the service while no order fails.
     */
    CHECKOUT("checkout"),
    /**
     * The instance reflex: release 2's new quote ({@code quote-v2}, without an old path) fails, the
     * instance reports {@code ROLLBACK_REQUESTED}, and the rollback agent brings back release 1.
     */
    INSTANCE("instance");

    private final String optionValue;

    Scenario(String optionValue) {
        this.optionValue = optionValue;
    }

    @Override
    public String optionValue() {
        return optionValue;
    }
}
