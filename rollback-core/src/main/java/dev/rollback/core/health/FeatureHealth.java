package dev.rollback.core.health;

import dev.rollback.core.guard.GuardState;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One feature's line in a {@link HealthReport}.
 *
 * @param feature the feature
 * @param state   where it stands
 * @param reason  why it is in that state (the rollback's reason, or what turned it on or off)
 * @param since   when it entered that state
 * @param oldPath whether every call of the feature so far had an old path to fall back to
 */
public record FeatureHealth(String feature, GuardState state, String reason, Instant since, boolean oldPath) {

    /**
     * Checks that no component is null.
     */
    public FeatureHealth {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(since, "since");
    }

    /**
     * Returns what this feature contributes to the instance's status.
     *
     * @return {@code ROLLBACK_REQUESTED} for a rolled back feature without an old path,
     *         {@code DEGRADED} for another rolled back feature, else {@code UP}
     */
    public HealthStatus status() {
        if (state != GuardState.ROLLED_BACK) {
            return HealthStatus.UP;
        }
        return oldPath ? HealthStatus.DEGRADED : HealthStatus.ROLLBACK_REQUESTED;
    }

    /**
     * Returns this line as its report renders it (see {@link HealthReport#toMap()}).
     *
     * @return an unmodifiable map: feature, state, status, reason, since, oldPath
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("feature", feature);
        map.put("state", state.name());
        map.put("status", status().name());
        map.put("reason", reason);
        map.put("since", since.toString());
        map.put("oldPath", oldPath);
        return Collections.unmodifiableMap(map);
    }
}
