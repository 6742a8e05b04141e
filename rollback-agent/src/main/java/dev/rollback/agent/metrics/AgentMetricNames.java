package dev.rollback.agent.metrics;

/** The names of the agent's meters, all under {@code rollback.agent}. */
public final class AgentMetricNames {

    /** Requests submitted, tags {@code trigger} and {@code result} (queued, merged, duplicate). */
    public static final String REQUESTS = "rollback.agent.requests";
    /** Reverts ended, tags {@code trigger} and {@code outcome} (the request's final state). */
    public static final String REVERTS = "rollback.agent.reverts";
    /** Time a revert took from start to end, tag {@code outcome}. */
    public static final String REVERT_DURATION = "rollback.agent.revert.duration";
    /** Reverts running now. */
    public static final String IN_FLIGHT = "rollback.agent.reverts.in.flight";
    /** Requests waiting now. */
    public static final String QUEUED = "rollback.agent.requests.queued";
    /** Alerts received, tag {@code result} (queued, merged, duplicate, ignored, resolved, ended, rejected). */
    public static final String ALERTS = "rollback.agent.alerts";
    /**
     * Alerts Alertmanager left out of webhook groups ({@code truncatedAlerts}, the receiver's
     * {@code max_alerts}), tag {@code receiver}.
     */
    public static final String ALERTS_TRUNCATED = "rollback.agent.alerts.truncated";
    /** Health polls of instances, tag {@code result} (up, degraded, rollback_requested, unreachable, invalid). */
    public static final String HEALTH_POLLS = "rollback.agent.health.polls";
    /** Ledger writes that failed and will be retried. */
    public static final String LEDGER_FAILURES = "rollback.agent.ledger.failures";
    /**
     * HTTP connections the agent closed unread or part read, tag {@code reason} (max_connections,
     * header_timeout, body_timeout).
     */
    public static final String HTTP_CLOSED = "rollback.agent.http.closed";
    /** Whether this agent leads (1) and acts, or follows (0). */
    public static final String LEADER = "rollback.agent.leader";
    /** Revert records the ledger refused as data, set aside and not retried. */
    public static final String LEDGER_REJECTED = "rollback.agent.ledger.rejected";

    private AgentMetricNames() {
    }
}
