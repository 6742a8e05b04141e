package dev.rollback.core.flag;

import io.micrometer.core.instrument.Clock;
import org.jspecify.annotations.Nullable;

/**
 * Told by a {@link FlagSource} when its flags change. Implementations must return quickly and must
 * not throw; the registry's listener only drops cached decisions and, on request, reinstates.
 */
public interface FlagListener {

    /**
     * The flag of {@code feature} may now decide differently: sticky path assignments made under the
     * old settings are dropped.
     *
     * @param feature the feature, or {@code null} when any feature may have changed
     */
    void flagChanged(@Nullable String feature);

    /**
     * A person turned a rolled back feature's flag back on at the source, which counts as a
     * decision to {@linkplain dev.rollback.core.guard.ReleaseGuard#reinstate() reinstate} it. The
     * default does nothing.
     *
     * @param feature the feature
     */
    default void reinstateRequested(String feature) {
    }

    /**
     * Returns the listener's clock, the registry's only source of time: a flag source that keeps time
     * (a cache, a log throttle) reads it once it is given the listener, so that it runs in the
     * registry's time (virtual time in tests). The default is the system clock.
     *
     * @return the clock
     */
    default Clock clock() {
        return Clock.SYSTEM;
    }
}
