package dev.rollback.core.internal;

import dev.rollback.core.event.FeatureEvent;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.event.RollbackEventPublisher;
import dev.rollback.core.event.StateTransitionEvent;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events synchronously; a consumer that throws is logged and skipped. */
public final class DefaultEventPublisher implements RollbackEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(DefaultEventPublisher.class);

    private final List<Consumer<? super FeatureEvent>> consumers = new CopyOnWriteArrayList<>();

    /** Creates a publisher with no consumers. */
    public DefaultEventPublisher() {
    }

    @Override
    public RollbackEventPublisher onRollback(Consumer<? super RollbackEvent> consumer) {
        return subscribe(RollbackEvent.class, consumer);
    }

    @Override
    public RollbackEventPublisher onStateTransition(Consumer<? super StateTransitionEvent> consumer) {
        return subscribe(StateTransitionEvent.class, consumer);
    }

    @Override
    public RollbackEventPublisher onEvent(Consumer<? super FeatureEvent> consumer) {
        consumers.add(Objects.requireNonNull(consumer, "consumer"));
        return this;
    }

    private <E extends FeatureEvent> RollbackEventPublisher subscribe(Class<E> type, Consumer<? super E> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        return onEvent(event -> {
            if (type.isInstance(event)) {
                consumer.accept(type.cast(event));
            }
        });
    }

    @Override
    public void publish(FeatureEvent event) {
        Objects.requireNonNull(event, "event");
        for (Consumer<? super FeatureEvent> consumer : consumers) {
            try {
                consumer.accept(event);
            } catch (RuntimeException e) {
                log.warn("An event consumer failed on {}; ignored", event, e);
            }
        }
    }
}
