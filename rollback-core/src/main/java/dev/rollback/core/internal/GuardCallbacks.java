package dev.rollback.core.internal;

import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.event.StateTransitionEvent;

/**
 * What a guard tells its registry. Called on the thread where the change happened, never with the
 * guard's lock held.
 */
public interface GuardCallbacks {

    /**
     * A guard's state changed.
     *
     * @param event the transition
     */
    void stateChanged(StateTransitionEvent event);

    /**
     * A guard rolled its feature back (after {@link #stateChanged}).
     *
     * @param event the rollback
     */
    void rolledBack(RollbackEvent event);

    /**
     * A person reinstated a guard's feature (after {@link #stateChanged}).
     *
     * @param feature the feature
     */
    void reinstated(String feature);
}
