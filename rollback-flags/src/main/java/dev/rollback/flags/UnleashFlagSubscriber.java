package dev.rollback.flags;

import io.getunleash.UnleashException;
import io.getunleash.event.ClientFeaturesResponse;
import io.getunleash.event.FeatureSet;
import io.getunleash.event.ImpressionEvent;
import io.getunleash.event.ToggleEvaluated;
import io.getunleash.event.UnleashEvent;
import io.getunleash.event.UnleashReady;
import io.getunleash.event.UnleashSubscriber;
import io.getunleash.metric.ClientMetrics;
import io.getunleash.metric.ClientRegistration;
import java.util.Objects;

/**
 * The Unleash subscriber that tells an {@link UnleashFlagSource} when the SDK's toggles change. The
 * SDK takes one subscriber, set in its configuration before the client exists, so create this one
 * first, pass it to {@code UnleashConfig.builder().subscriber(...)}, then build the flag source on
 * the client and this subscriber. A subscriber of your own keeps working: pass it to the constructor
 * and every event is forwarded to it first.
 *
 * <pre>{@code
 * UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber();
 * Unleash unleash = new DefaultUnleash(UnleashConfig.builder()
 *         .appName("checkout").unleashAPI("https://unleash.example.com/api")
 *         .apiKey(clientToken).subscriber(subscriber).build());
 * UnleashFlagSource flags = UnleashFlagSource.builder(unleash, subscriber).build();
 * }</pre>
 */
public final class UnleashFlagSubscriber implements UnleashSubscriber {

    /** What the flag source is told. */
    interface Listener {
        void togglesFetched(ClientFeaturesResponse response);

        void stateReplaced();
    }

    private final UnleashSubscriber delegate;
    private volatile Listener listener;

    /** Creates a subscriber that forwards to nothing else. */
    public UnleashFlagSubscriber() {
        this(new UnleashSubscriber() {
        });
    }

    /**
     * Creates a subscriber that forwards every event to {@code delegate} first.
     *
     * @param delegate your own subscriber
     */
    public UnleashFlagSubscriber(UnleashSubscriber delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    synchronized void attach(Listener source) {
        if (listener != null && listener != source) {
            throw new IllegalStateException("this UnleashFlagSubscriber already serves another UnleashFlagSource; "
                    + "create one subscriber per Unleash client and one flag source per subscriber");
        }
        listener = source;
    }

    @Override
    public void togglesFetched(ClientFeaturesResponse response) {
        delegate.togglesFetched(response);
        Listener l = listener;
        if (l != null) {
            l.togglesFetched(response);
        }
    }

    @Override
    public void onReady(UnleashReady ready) {
        delegate.onReady(ready);
        stateReplaced();
    }

    @Override
    public void featuresBootstrapped(FeatureSet features) {
        delegate.featuresBootstrapped(features);
        stateReplaced();
    }

    @Override
    public void featuresBackupRestored(FeatureSet features) {
        delegate.featuresBackupRestored(features);
        stateReplaced();
    }

    private void stateReplaced() {
        Listener l = listener;
        if (l != null) {
            l.stateReplaced();
        }
    }

    @Override
    public void onError(UnleashException error) {
        delegate.onError(error);
    }

    @Override
    public void on(UnleashEvent event) {
        delegate.on(event);
    }

    @Override
    public void toggleEvaluated(ToggleEvaluated toggleEvaluated) {
        delegate.toggleEvaluated(toggleEvaluated);
    }

    @Override
    public void clientMetrics(ClientMetrics clientMetrics) {
        delegate.clientMetrics(clientMetrics);
    }

    @Override
    public void clientRegistered(ClientRegistration clientRegistration) {
        delegate.clientRegistered(clientRegistration);
    }

    @Override
    public void featuresBackedUp(FeatureSet features) {
        delegate.featuresBackedUp(features);
    }

    @Override
    public void impression(ImpressionEvent impressionEvent) {
        delegate.impression(impressionEvent);
    }
}
