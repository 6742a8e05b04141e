package dev.rollback.core.event;

import java.util.function.Consumer;

/**
 * Delivers a registry's events to consumers, synchronously, on the thread where the event happened
 * (for a rollback the judge decides on, the calling thread of a guarded call). A consumer should
 * return quickly. A consumer that throws is logged and ignored: it never breaks the call, and the
 * other consumers still get the event.
 */
public interface RollbackEventPublisher {

    /**
     * Subscribes to rollbacks.
     *
     * @param consumer the consumer
     * @return this publisher
     */
    RollbackEventPublisher onRollback(Consumer<? super RollbackEvent> consumer);

    /**
     * Subscribes to state transitions.
     *
     * @param consumer the consumer
     * @return this publisher
     */
    RollbackEventPublisher onStateTransition(Consumer<? super StateTransitionEvent> consumer);

    /**
     * Subscribes to every event, including those that integrations publish.
     *
     * @param consumer the consumer
     * @return this publisher
     */
    RollbackEventPublisher onEvent(Consumer<? super FeatureEvent> consumer);

    /**
     * Delivers an event to its consumers. For integrations that report their own events (a kill
     * switch, a migration) through the registry.
     *
     * @param event the event
     */
    void publish(FeatureEvent event);
}
