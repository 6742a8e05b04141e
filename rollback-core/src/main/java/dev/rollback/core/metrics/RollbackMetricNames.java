package dev.rollback.core.metrics;

/**
 * The names and tags of every meter the library registers, in one place.
 */
public final class RollbackMetricNames {

    /**
     * Timer of guarded calls, tagged {@value #TAG_FEATURE}, {@value #TAG_PATH} ({@code new} or
     * {@code old}) and {@value #TAG_OUTCOME} ({@code success}, {@code failure} or {@code fallback}: the
     * old path answered a call that the new path failed or the breaker refused).
     */
    public static final String CALLS = "rollback.calls";
    /** Gauge of a feature's state: 0 off, 1 rolling out, 2 rolled back; tagged {@value #TAG_FEATURE}. */
    public static final String STATE = "rollback.state";
    /** Counter of rollbacks, tagged {@value #TAG_FEATURE} and {@value #TAG_ACTOR}. */
    public static final String ROLLBACKS = "rollback.rollbacks";
    /**
     * Gauge of the judge's current log e-value for a criterion, tagged {@value #TAG_FEATURE} and
     * {@value #TAG_CRITERION}; the feature is rolled back when it reaches {@link #JUDGE_THRESHOLD}.
     */
    public static final String JUDGE_EVIDENCE = "rollback.judge.evidence";
    /** Gauge of the log e-value at which the judge decides, tagged {@value #TAG_FEATURE}. */
    public static final String JUDGE_THRESHOLD = "rollback.judge.threshold";
    /** Gauge of the instance's health: 0 up, 1 degraded, 2 rollback requested. */
    public static final String HEALTH = "rollback.health";
    /** Counter of flag source failures, tagged {@value #TAG_FEATURE}; each sent the call to the old path. */
    public static final String FLAG_ERRORS = "rollback.flag.errors";
    /** Gauge of ledger writes waiting in the queue. */
    public static final String LEDGER_QUEUE = "rollback.ledger.queue";
    /** Counter of ledger writes that failed and will be retried. */
    public static final String LEDGER_RETRIES = "rollback.ledger.retries";
    /** Counter of ledger writes dropped because the queue was full or the registry closed. */
    public static final String LEDGER_DROPPED = "rollback.ledger.dropped";
    /**
     * Counter of ledger writes the database refused as data even escaped, set aside in the
     * writer's dead-letter list and not retried.
     */
    public static final String LEDGER_REJECTED = "rollback.ledger.rejected";
    /**
     * Gauge of the fleet judge's log e-value on the pooled pairs of every instance, tagged
     * {@value #TAG_FEATURE} and {@value #TAG_CRITERION} ({@code error_rate} or {@code latency}).
     */
    public static final String FLEET_EVIDENCE = "rollback.fleet.evidence";
    /**
     * Gauge of the pairs the fleet judge pooled (of the instance's service version) since the feature's last
     * fleet verdict, tagged {@value #TAG_FEATURE}.
     */
    public static final String FLEET_PAIRS = "rollback.fleet.pairs";
    /** Gauge of the instances whose pairs the fleet judge pooled, tagged {@value #TAG_FEATURE}. */
    public static final String FLEET_CONTRIBUTORS = "rollback.fleet.contributors";
    /** Gauge of the instances of the service version with a fresh heartbeat in the fleet store. */
    public static final String FLEET_INSTANCES = "rollback.fleet.instances";
    /** Gauge of blocks waiting to be published to the fleet store. */
    public static final String FLEET_PENDING = "rollback.fleet.pending";
    /** Counter of times the fleet store could not be reached. */
    public static final String FLEET_PUBLISH_FAILURES = "rollback.fleet.publish.failures";
    /** Counter of blocks dropped unpublished because too many waited. */
    public static final String FLEET_DROPPED = "rollback.fleet.dropped";

    /** Tag: the feature. */
    public static final String TAG_FEATURE = "feature";
    /** Tag: which path ran, {@code new} or {@code old}. */
    public static final String TAG_PATH = "path";
    /** Tag: how the call ended. */
    public static final String TAG_OUTCOME = "outcome";
    /**
     * Tag: who rolled back on this instance, {@code judge}, {@code manual} or {@code circuit-breaker}
     * (see {@link dev.rollback.core.event.RollbackActors}).
     */
    public static final String TAG_ACTOR = "actor";
    /** Tag: the judge's criterion, lower case, e.g. {@code error_rate}. */
    public static final String TAG_CRITERION = "criterion";

    private RollbackMetricNames() {
    }
}
