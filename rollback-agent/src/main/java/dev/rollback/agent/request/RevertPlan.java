package dev.rollback.agent.request;

import java.util.Objects;

/**
 * What a revert will do, fixed before anything changes and kept with the request.
 *
 * @param fromVersion the version the service leaves, as the executor sees it
 * @param toVersion   the version it goes back to, or empty when the executor cannot know
 * @param target      what the executor needs to carry out the same revert again after a restart,
 *                    e.g. the ReplicaSet to restore; may be empty
 */
public record RevertPlan(String fromVersion, String toVersion, String target) {

    /**
     * Checks that no component is null.
     */
    public RevertPlan {
        Objects.requireNonNull(fromVersion, "fromVersion");
        Objects.requireNonNull(toVersion, "toVersion");
        Objects.requireNonNull(target, "target");
    }
}
