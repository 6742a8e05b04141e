package dev.rollback.core.flag;

import org.jspecify.annotations.Nullable;

/**
 * Decides, call by call, whether a feature's new path runs; the SPI behind every release guard.
 *
 * <p>A guard asks {@link #isEnabled(String, String)} on the calling thread of every guarded call and
 * caches nothing, so an implementation must answer fast and must be safe for use from many threads;
 * a source for which deciding is expensive (a remote SDK) caches its decisions itself, the one cache
 * of them, and drops them when its flags change (as {@code UnleashFlagSource} and
 * {@code OpenFeatureFlagSource} do). A key must get the same answer while the flag is unchanged: that
 * is what keeps a caller on one path. An implementation that throws, or cannot decide, makes the
 * guard take the old path: a guard never runs a new path by accident.
 *
 * <p>The guard tells the source when a feature has been {@linkplain #onRollback(String, String) rolled
 * back} on this instance (so that it answers "old path" from then on) and when a person has
 * {@linkplain #onReinstate(String) reinstated} it. Turning the flag off for the whole fleet is not the
 * source's part: a kill switch listening on the registry's rollback events does it. A source tells the
 * guards, through the {@linkplain #addListener(FlagListener) listeners}, when its flags changed.
 */
public interface FlagSource {

    /**
     * Returns whether the new path of {@code feature} runs for this call.
     *
     * @param feature       the feature, never null or blank
     * @param stickinessKey what keeps a caller on one path during a gradual rollout (a user id, say),
     *                      or {@code null} when the call has none
     * @return {@code true} for the new path, {@code false} for the old path
     */
    boolean isEnabled(String feature, @Nullable String stickinessKey);

    /**
     * Returns whether the flag of {@code feature} is on for at least some calls. A guard that is
     * rolling out goes back to {@code OFF} when it is told its flag changed and this says no. The
     * default says yes, which keeps a guard rolling out until its flag source says otherwise.
     *
     * @param feature the feature
     * @return whether any call may take the new path
     */
    default boolean isActive(String feature) {
        return true;
    }

    /**
     * Told when {@code feature} has been rolled back on this instance, so that a source that answers
     * from state of its own (a cache, an SDK's last fetch) holds the feature off here from now on,
     * until {@link #onReinstate(String)}. This is local only: the guard already takes the old path, and
     * turning the flag off for the fleet is not the source's job but that of a consumer of the
     * registry's {@link dev.rollback.core.event.RollbackEvent}s (the Unleash kill switch), which is the
     * one path from a rollback to the fleet. The default does nothing. Called off the guarded call's
     * hot path, once per rollback; an exception is logged and ignored.
     *
     * @param feature the feature
     * @param reason  why, in words a person can act on
     */
    default void onRollback(String feature, String reason) {
    }

    /**
     * Told when a person has reinstated {@code feature} on this instance. The default does nothing.
     *
     * @param feature the feature
     */
    default void onReinstate(String feature) {
    }

    /**
     * Registers a listener to be told when flags change. The default keeps no listeners, which is
     * right for a source whose answers never change.
     *
     * @param listener the listener
     */
    default void addListener(FlagListener listener) {
    }

    /**
     * Removes a listener added by {@link #addListener(FlagListener)}; a registry does so when it closes.
     * The default does nothing.
     *
     * @param listener the listener
     */
    default void removeListener(FlagListener listener) {
    }

    /**
     * Returns a source that enables every feature for every call: the registry's default.
     *
     * @return the source
     */
    static FlagSource allEnabled() {
        return AllEnabledFlagSource.INSTANCE;
    }
}
