package dev.rollback.core.guard;

/**
 * Where a feature stands on this instance.
 */
public enum GuardState {
    /**
     * The flag is off: every call takes the old path, and its samples build the baseline. A guard also
     * starts here, with the reason {@code "no call yet"}, until a call finds the flag on (the Spring
     * starter's endpoint shows beside it the rollout the flag source will apply).
     */
    OFF,
    /** The new path is live for some or all calls and is being judged. */
    ROLLING_OUT,
    /**
     * The feature was rolled back: every call that has an old path takes it, until a person
     * {@linkplain ReleaseGuard#reinstate() reinstates} the feature.
     */
    ROLLED_BACK
}
