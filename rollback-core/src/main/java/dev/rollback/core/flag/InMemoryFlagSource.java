package dev.rollback.core.flag;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Flags held in memory: the embedded default, and what tests use.
 *
 * <p>Each feature has a rollout share from 0 to 100 percent; an unknown feature is off. A call with a
 * stickiness key is placed by a stable hash of feature and key, so one key stays on one path while
 * the share is unchanged, and raising the share only moves keys from the old path to the new one.
 * A call without a key is placed at random.
 *
 * <p>When a guard reports a rollback, the feature is turned off here (as a kill switch would turn it
 * off everywhere); when it is reinstated, its share from before the rollback comes back.
 */
public final class InMemoryFlagSource implements FlagSource {

    private final Map<String, Integer> percentages = new ConcurrentHashMap<>();
    private final Map<String, Integer> beforeRollback = new ConcurrentHashMap<>();
    private final List<FlagListener> listeners = new CopyOnWriteArrayList<>();
    private final RandomGenerator random;

    /** Creates a source with every feature off that places keyless calls with a thread-local random. */
    public InMemoryFlagSource() {
        this.random = null;
    }

    /**
     * Creates a source with every feature off that places keyless calls with the given generator, for
     * runs that must repeat exactly. The generator is used from every calling thread, so it must be
     * safe for that, or the source used from one thread only.
     *
     * @param random the generator
     */
    public InMemoryFlagSource(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Puts every call of {@code feature} on the new path.
     *
     * @param feature the feature
     * @return this source
     */
    public InMemoryFlagSource enable(String feature) {
        return rollout(feature, 100);
    }

    /**
     * Puts every call of {@code feature} on the old path.
     *
     * @param feature the feature
     * @return this source
     */
    public InMemoryFlagSource disable(String feature) {
        return rollout(feature, 0);
    }

    /**
     * Puts {@code percent} percent of the calls (or of the keys) of {@code feature} on the new path.
     *
     * @param feature the feature
     * @param percent the share, from 0 to 100
     * @return this source
     * @throws IllegalArgumentException if the feature is blank or the share is outside 0 to 100
     */
    public InMemoryFlagSource rollout(String feature, int percent) {
        FeatureNames.requireValid(feature);
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("rollout share of feature '" + feature
                    + "' must be from 0 to 100 percent, was " + percent);
        }
        Integer previous = percentages.put(feature, percent);
        beforeRollback.remove(feature);
        if (previous == null || previous != percent) {
            listeners.forEach(l -> l.flagChanged(feature));
        }
        return this;
    }

    /**
     * Returns the rollout share of {@code feature}.
     *
     * @param feature the feature
     * @return the share from 0 to 100; 0 for an unknown feature
     */
    public int percentage(String feature) {
        return percentages.getOrDefault(feature, 0);
    }

    @Override
    public boolean isEnabled(String feature, @Nullable String stickinessKey) {
        Integer percent = percentages.get(feature);
        if (percent == null || percent <= 0) {
            return false;
        }
        if (percent >= 100) {
            return true;
        }
        return bucket(feature, stickinessKey) < percent;
    }

    @Override
    public boolean isActive(String feature) {
        return percentage(feature) > 0;
    }

    private int bucket(String feature, String stickinessKey) {
        if (stickinessKey == null) {
            return random == null ? ThreadLocalRandom.current().nextInt(100) : random.nextInt(100);
        }
        // String.hashCode is fixed by the Java specification, so a key lands in the same bucket on
        // every instance; the finaliser spreads keys that differ only in their last characters.
        int h = feature.hashCode() * 31 + stickinessKey.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Math.floorMod(h, 100);
    }

    @Override
    public void onRollback(String feature, String reason) {
        Integer previous = percentages.put(feature, 0);
        if (previous != null && previous > 0) {
            beforeRollback.put(feature, previous);
        }
        listeners.forEach(l -> l.flagChanged(feature));
    }

    @Override
    public void onReinstate(String feature) {
        Integer previous = beforeRollback.remove(feature);
        if (previous != null) {
            percentages.put(feature, previous);
            listeners.forEach(l -> l.flagChanged(feature));
        }
    }

    @Override
    public void addListener(FlagListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(FlagListener listener) {
        listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "InMemoryFlagSource" + percentages;
    }
}
