package dev.rollback.spring.autoconfigure;

import dev.rollback.core.flag.FlagListener;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.spring.FeatureRollout;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The flag source when no flag service decides: an {@link InMemoryFlagSource} whose features get
 * their rollout share from {@code rollback.features.<name>.rollout}, else
 * {@code rollback.default-rollout}, the first time they are asked about.
 */
final class PropertiesFlagSource implements FlagSource {

    private final InMemoryFlagSource flags = new InMemoryFlagSource();
    private final Map<String, Integer> rollouts;
    private final int defaultRollout;
    private final Map<String, Boolean> known = new ConcurrentHashMap<>();

    /** Checks every share at once, so that a bad one fails the start-up. */
    PropertiesFlagSource(RollbackProperties properties) {
        this.defaultRollout = RollbackPropertiesCheck.percent("rollback.default-rollout", properties.getDefaultRollout());
        Map<String, Integer> shares = new ConcurrentHashMap<>();
        properties.getFeatures().forEach((feature, settings) -> {
            if (settings.getRollout() != null) {
                shares.put(feature, RollbackPropertiesCheck.percent("rollback.features." + feature + ".rollout", settings.getRollout()));
            }
        });
        this.rollouts = Map.copyOf(shares);
    }

    /** Returns a feature's share and the property that sets it. */
    FeatureRollout rollout(String feature) {
        Integer share = rollouts.get(feature);
        return share == null ? new FeatureRollout(defaultRollout, "rollback.default-rollout")
                : new FeatureRollout(share, "rollback.features." + feature + ".rollout");
    }

    private InMemoryFlagSource flags(String feature) {
        if (!known.containsKey(feature)) {
            known.computeIfAbsent(feature, f -> {
                flags.rollout(f, rollouts.getOrDefault(f, defaultRollout));
                return Boolean.TRUE;
            });
        }
        return flags;
    }

    @Override
    public boolean isEnabled(String feature, String stickinessKey) {
        return flags(feature).isEnabled(feature, stickinessKey);
    }

    @Override
    public boolean isActive(String feature) {
        return flags(feature).isActive(feature);
    }

    @Override
    public void onRollback(String feature, String reason) {
        flags(feature).onRollback(feature, reason);
    }

    @Override
    public void onReinstate(String feature) {
        flags(feature).onReinstate(feature);
    }

    @Override
    public void addListener(FlagListener listener) {
        flags.addListener(listener);
    }

    @Override
    public void removeListener(FlagListener listener) {
        flags.removeListener(listener);
    }

    @Override
    public String toString() {
        return "PropertiesFlagSource{defaultRollout=" + defaultRollout + ", rollouts=" + rollouts + '}';
    }
}
