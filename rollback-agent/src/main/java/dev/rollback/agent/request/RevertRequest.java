package dev.rollback.agent.request;

import java.time.Instant;
import java.util.Objects;

/**
 * A request to revert one service, and where it stands.
 *
 * @param id          the id; also the id of its ledger record
 * @param service     the service to revert
 * @param trigger     what asked for it
 * @param reason      why, in words a person can act on
 * @param fromVersion the version the asker saw running (a health report's version, an alert's
 *                    {@code version} label), or {@code null}
 * @param toRevision  a Kubernetes revision to go back to, or {@code null} for the previous one
 * @param requestedAt when it was asked for
 * @param state       where it stands
 * @param plan        what it will do, once decided; {@code null} before
 * @param startedAt   when it started running, or {@code null}
 * @param finishedAt  when it ended, or {@code null}
 * @param detail      how it ended, in words; empty before
 * @param namespace   the Kubernetes namespace to revert in when it is not the service's configured one
 *                    (an alert's namespace label that {@code alertmanager.namespaces} allows), or
 *                    {@code null} for the configured one
 */
public record RevertRequest(String id, String service, Trigger trigger, String reason, String fromVersion,
                            Long toRevision, Instant requestedAt, RequestState state, RevertPlan plan,
                            Instant startedAt, Instant finishedAt, String detail, String namespace) {

    /** Longest id accepted (the ledger's record id column). */
    public static final int MAX_ID_LENGTH = 64;

    /**
     * Checks the required components.
     */
    public RevertRequest {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("id: '" + id + "' must have 1.." + MAX_ID_LENGTH + " characters");
        }
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(state, "state");
        if (toRevision != null && toRevision < 1) {
            throw new IllegalArgumentException("toRevision: " + toRevision + " is not a revision (1 or more)");
        }
        detail = detail == null ? "" : detail;
    }

    /**
     * Creates a queued request.
     *
     * @param id          the id
     * @param service     the service
     * @param trigger     what asks
     * @param reason      why
     * @param fromVersion the version seen running, or {@code null}
     * @param toRevision  the revision to go back to, or {@code null} for the previous one
     * @param requestedAt when
     * @return the request
     */
    public static RevertRequest queued(String id, String service, Trigger trigger, String reason, String fromVersion,
                                       Long toRevision, Instant requestedAt) {
        return queued(id, service, trigger, reason, fromVersion, toRevision, requestedAt, null);
    }

    /**
     * Creates a queued request that reverts in a namespace other than the service's configured one.
     *
     * @param id          the id
     * @param service     the service
     * @param trigger     what asks
     * @param reason      why
     * @param fromVersion the version seen running, or {@code null}
     * @param toRevision  the revision to go back to, or {@code null} for the previous one
     * @param requestedAt when
     * @param namespace   the namespace, or {@code null} for the configured one
     * @return the request
     */
    public static RevertRequest queued(String id, String service, Trigger trigger, String reason, String fromVersion,
                                       Long toRevision, Instant requestedAt, String namespace) {
        return new RevertRequest(id, service, trigger, reason, fromVersion, toRevision, requestedAt,
                RequestState.QUEUED, null, null, null, "", namespace);
    }
}
