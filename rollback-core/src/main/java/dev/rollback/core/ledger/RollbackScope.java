package dev.rollback.core.ledger;

/**
 * What a rollback affected.
 */
public enum RollbackScope {
    /** One call: the old path answered a call whose new path failed. Not recorded one by one. */
    CALL,
    /** One feature: every later call takes the old path. */
    FEATURE,
    /** The whole instance: it is to be reverted to the previous version. */
    INSTANCE,
    /**
     * One feature on every instance of the service: the fleet judge's verdict on the pooled evidence
     * of all instances, recorded once for the fleet against the deployment of the instance that
     * reached it first.
     */
    FLEET
}
