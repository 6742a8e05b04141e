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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger log = LoggerFactory.getLogger(UnleashFlagSubscriber.class);

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

    /** Calls the application's subscriber; what it throws must not keep the flag source uninformed. */
    private void forward(String event, Consumer<UnleashSubscriber> call) {
        try {
            call.accept(delegate);
        } catch (RuntimeException e) {
            log.warn("The application's Unleash subscriber {} failed on {}; ignored", delegate, event, e);
        }
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
        forward("togglesFetched", d -> d.togglesFetched(response));
        Listener l = listener;
        if (l != null) {
            l.togglesFetched(response);
        }
    }

    @Override
    public void onReady(UnleashReady ready) {
        forward("onReady", d -> d.onReady(ready));
        stateReplaced();
    }

    @Override
    public void featuresBootstrapped(FeatureSet features) {
        forward("featuresBootstrapped", d -> d.featuresBootstrapped(features));
        stateReplaced();
    }

    @Override
    public void featuresBackupRestored(FeatureSet features) {
        forward("featuresBackupRestored", d -> d.featuresBackupRestored(features));
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
        forward("onError", d -> d.onError(error));
    }

    @Override
    public void on(UnleashEvent event) {
        forward("on", d -> d.on(event));
    }

    @Override
    public void toggleEvaluated(ToggleEvaluated toggleEvaluated) {
        forward("toggleEvaluated", d -> d.toggleEvaluated(toggleEvaluated));
    }

    @Override
    public void clientMetrics(ClientMetrics clientMetrics) {
        forward("clientMetrics", d -> d.clientMetrics(clientMetrics));
    }

    @Override
    public void clientRegistered(ClientRegistration clientRegistration) {
        forward("clientRegistered", d -> d.clientRegistered(clientRegistration));
    }

    @Override
    public void featuresBackedUp(FeatureSet features) {
        forward("featuresBackedUp", d -> d.featuresBackedUp(features));
    }

    @Override
    public void impression(ImpressionEvent impressionEvent) {
        forward("impression", d -> d.impression(impressionEvent));
    }
}
