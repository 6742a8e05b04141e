package dev.rollback.spring.actuate;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackEvent;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last rollback of each feature since start-up, with the judge's evidence: what the endpoint
 * shows. It listens to the registry's events from its creation on, so create it with the context.
 */
public final class RollbackHistory {

    private final Map<String, RollbackEvent> last = new ConcurrentHashMap<>();

    /**
     * Creates the history and starts listening to the registry's rollbacks.
     *
     * @param registry the registry
     */
    public RollbackHistory(RollbackRegistry registry) {
        registry.getEventPublisher().onRollback(event -> last.put(event.feature(), event));
    }

    /**
     * Returns the last rollback of a feature since start-up.
     *
     * @param feature the feature
     * @return the event, or empty if the feature was not rolled back since start-up
     */
    public Optional<RollbackEvent> last(String feature) {
        return Optional.ofNullable(last.get(feature));
    }
}
