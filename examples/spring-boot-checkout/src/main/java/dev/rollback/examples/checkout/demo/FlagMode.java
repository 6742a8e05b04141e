package dev.rollback.examples.checkout.demo;

/** Where the demo's service keeps its feature flags. */
enum FlagMode implements OptionValue {

    /** In memory, on H2: nothing else needs to run. The demo sets the rollout through the service's demo API. */
    MEMORY("memory"),
    /**
     * In a real Unleash server, on PostgreSQL (the {@code postgres} and {@code unleash} profiles): the
     * demo sets the rollout through Unleash's admin API, as an operator would, and watches the kill
     * switch turn the flag off fleet-wide.
     */
    UNLEASH("unleash"),
    /**
     * Through OpenFeature, on flagd's in-process provider reading a flag file, on H2 (the
     * {@code openfeature} profile): the demo writes the module's flag file to the report directory,
     * sets the rollout by editing the file, and watches the kill switch turn the flag off in it.
     */
    OPENFEATURE("openfeature");

    private final String optionValue;

    FlagMode(String optionValue) {
        this.optionValue = optionValue;
    }

    @Override
    public String optionValue() {
        return optionValue;
    }
}
