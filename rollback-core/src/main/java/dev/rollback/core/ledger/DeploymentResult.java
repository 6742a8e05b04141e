package dev.rollback.core.ledger;

/**
 * How a deployment (one instance running one version) went.
 */
public enum DeploymentResult {
    /** The instance is running. */
    RUNNING,
    /** The instance stopped normally. */
    COMPLETED,
    /** The instance asked to be reverted to the previous version. */
    ROLLBACK_REQUESTED,
    /** The instance was reverted to the previous version. */
    ROLLED_BACK,
    /** The deployment failed, e.g. the instance did not start. */
    FAILED
}
