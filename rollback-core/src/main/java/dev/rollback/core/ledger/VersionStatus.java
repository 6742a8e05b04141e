package dev.rollback.core.ledger;

/**
 * What is known of a version of a service.
 */
public enum VersionStatus {
    /** At least one instance of the version has started. */
    DEPLOYED,
    /** An instance of the version asked to be reverted to the previous version. */
    ROLLBACK_REQUESTED,
    /** The version was reverted to the previous one. */
    ROLLED_BACK
}
