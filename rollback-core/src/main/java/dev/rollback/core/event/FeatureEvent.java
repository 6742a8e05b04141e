package dev.rollback.core.event;

import java.time.Instant;

/**
 * Something that happened to a feature. Integrations (flag sources, migrations) may define their own
 * event types and {@linkplain RollbackEventPublisher#publish(FeatureEvent) publish} them.
 */
public interface FeatureEvent {

    /**
     * Returns the feature the event is about.
     *
     * @return the feature
     */
    String feature();

    /**
     * Returns when it happened, read from the registry's clock.
     *
     * @return the time
     */
    Instant time();
}
