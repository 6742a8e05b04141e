package dev.rollback.examples.checkout.demo;

/**
 * The demo playing the operator of the flag system the service reads: it sets the rollout share of
 * the feature, as an operator would, and reads whether the kill switch has turned the feature off for
 * every instance.
 */
interface FlagAdmin {

    /**
     * Makes sure the feature's flag exists and is on for 0% of the users.
     *
     * @throws DemoException if the flag system cannot be used
     */
    void prepare();

    /**
     * Sets the share of users on the new path.
     *
     * @param percent 0 to 100
     * @throws DemoException if the flag system cannot be used
     */
    void setRollout(int percent);

    /**
     * Returns whether the flag is still on (for a share of the users) as the flag system has it now.
     *
     * @return whether it is on
     * @throws DemoException if the flag system cannot be used
     */
    boolean isOn();

    /** @return how the demo sets the rollout and where the flag lives, for the demo's output and timeline */
    String describe();

    /** @return what the timeline says once the kill switch has turned the flag off there */
    String offDetail();

    /** @return who saw it, for the timeline: e.g. {@code unleash} */
    String source();
}
