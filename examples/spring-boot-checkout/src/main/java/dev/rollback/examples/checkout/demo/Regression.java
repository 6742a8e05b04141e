package dev.rollback.examples.checkout.demo;

/** What goes wrong in the new checkout path when the demo injects its regression. */
enum Regression implements OptionValue {

    /** A share of the new path's calls throw ({@code --error-rate}). */
    ERRORS("errors"),
    /** Every call of the new path takes longer ({@code --added-latency}). */
    LATENCY("latency");

    private final String optionValue;

    Regression(String optionValue) {
        this.optionValue = optionValue;
    }

    @Override
    public String optionValue() {
        return optionValue;
    }
}
