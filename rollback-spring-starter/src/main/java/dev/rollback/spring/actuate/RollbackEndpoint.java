package dev.rollback.spring.actuate;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.health.FeatureHealth;
import dev.rollback.core.health.HealthReport;
import dev.rollback.core.health.HealthStatus;
import dev.rollback.core.judge.Evidence;
import dev.rollback.spring.RollbackGuards;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code rollback} actuator endpoint.
 *
 * <ul>
 *   <li>{@code GET /actuator/rollback}: the instance's health report (the fields of
 *       {@link HealthReport#toMap()}, the format the agent reads) and each feature's state, with the
 *       evidence of its last rollback since start-up; 503 when the instance asks to be reverted;</li>
 *   <li>{@code GET /actuator/rollback/{feature}}: one feature;</li>
 *   <li>{@code POST /actuator/rollback/{feature}} with {@code {"action": "rollback", "reason": "..."}}
 *       or {@code {"action": "reinstate"}}: rolls a feature back or reinstates it;</li>
 *   <li>{@code POST /actuator/rollback} with {@code {"action": "contract"}} or
 *       {@code {"action": "rollback-migrations"}}: contracts the expand/contract schema migrations
 *       (409 if refused, with the reason) or rolls them back, when there are {@link RollbackMigrations}
 *       (404 otherwise); their phases are listed under {@code migrations} in the report.</li>
 * </ul>
 * Its default access is read-only: the write operation is refused until the application sets
 * {@code management.endpoint.rollback.access=unrestricted}. Expose it like any endpoint
 * ({@code management.endpoints.web.exposure.include=health,rollback}) and protect it like one (see
 * the module's README).
 */
@Endpoint(id = "rollback", defaultAccess = Access.READ_ONLY)
public final class RollbackEndpoint {

    /** The reason recorded for a rollback through the endpoint without a reason of its own. */
    static final String DEFAULT_REASON = "rolled back through the actuator endpoint";

    private static final int STATUS_CONFLICT = 409;

    private final RollbackRegistry registry;
    private final RollbackGuards guards;
    private final RollbackHistory history;
    private final @Nullable RollbackMigrations migrations;

    /**
     * Creates the endpoint, without schema migrations.
     *
     * @param guards  the feature guards
     * @param history the last rollbacks, for their evidence
     */
    public RollbackEndpoint(RollbackGuards guards, RollbackHistory history) {
        this(guards, history, null);
    }

    /**
     * Creates the endpoint.
     *
     * @param guards     the feature guards
     * @param history    the last rollbacks, for their evidence
     * @param migrations the schema migrations, or {@code null} if there are none
     */
    public RollbackEndpoint(RollbackGuards guards, RollbackHistory history, @Nullable RollbackMigrations migrations) {
        this.registry = guards.registry();
        this.guards = guards;
        this.history = history;
        this.migrations = migrations;
    }

    /**
     * Returns the health report ({@link HealthReport#toMap()}), each feature with the evidence of its
     * last rollback, and the migrations. It answers 503 when the instance asks to be reverted
     * ({@code ROLLBACK_REQUESTED}), as the health group that includes {@code rollback} does, and
     * carries the report in every answer: the agent reads it whatever the status.
     *
     * @return the report, as JSON-ready maps, with 200 or 503
     */
    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> report() {
        HealthReport report = registry.health();
        Map<String, Object> json = new LinkedHashMap<>(report.toMap());
        json.put("features", report.features().stream().map(this::feature).toList());
        if (migrations != null) {
            json.put("migrations", migrations.status());
        }
        return new WebEndpointResponse<>(json, report.status() == HealthStatus.ROLLBACK_REQUESTED
                ? WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE : WebEndpointResponse.STATUS_OK);
    }

    /**
     * Contracts or rolls back the schema migrations.
     *
     * @param action {@code contract} or {@code rollback-migrations}
     * @return the migrations after the action (200), the refusal (409), or 404 without migrations
     * @throws InvalidEndpointRequestException (HTTP 400) for another action
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> migrations(String action) {
        if (migrations == null) {
            return new WebEndpointResponse<>(Map.of("message", "this service has no expand/contract migrations"),
                    WebEndpointResponse.STATUS_NOT_FOUND);
        }
        try {
            switch (action.toLowerCase(Locale.ROOT)) {
                case "contract" -> migrations.contract();
                case "rollback-migrations" -> migrations.rollback();
                default -> throw new InvalidEndpointRequestException("action must be 'contract' or"
                        + " 'rollback-migrations', was '" + action + "'", "action must be 'contract' or"
                        + " 'rollback-migrations'");
            }
        } catch (RollbackMigrations.RefusedException e) {
            Map<String, Object> refused = new LinkedHashMap<>();
            refused.put("message", e.getMessage());
            refused.put("migrations", migrations.status());
            return new WebEndpointResponse<>(refused, STATUS_CONFLICT);
        }
        return new WebEndpointResponse<>(Map.of("migrations", migrations.status()));
    }

    /**
     * Returns one feature.
     *
     * @param feature the feature
     * @return the feature, or {@code null} (404) if it has no guard
     */
    @ReadOperation
    public @Nullable Map<String, Object> feature(@Selector String feature) {
        return registry.health().features().stream()
                .filter(f -> f.feature().equals(feature))
                .findFirst()
                .map(this::feature)
                .orElse(null);
    }

    /**
     * Rolls a feature back or reinstates it.
     *
     * @param feature the feature
     * @param action  {@code rollback} or {@code reinstate}
     * @param reason  why, for a rollback; recorded in the ledger
     * @return the feature after the action
     * @throws InvalidEndpointRequestException (HTTP 400) for another action or an invalid feature name
     */
    @WriteOperation
    public Map<String, Object> change(@Selector String feature, String action, @Nullable String reason) {
        ReleaseGuard guard;
        try {
            guard = registry.find(feature).orElseGet(() -> guards.guard(feature));
        } catch (IllegalArgumentException e) {
            throw new InvalidEndpointRequestException(e.getMessage(), "invalid feature name");
        }
        switch (action.toLowerCase(Locale.ROOT)) {
            case "rollback" -> guard.rollback(reason == null || reason.isBlank() ? DEFAULT_REASON : reason);
            case "reinstate" -> guard.reinstate();
            default -> throw new InvalidEndpointRequestException("action must be 'rollback' or 'reinstate', was '"
                    + action + "'", "action must be 'rollback' or 'reinstate'");
        }
        return feature(feature);
    }

    private Map<String, Object> feature(FeatureHealth health) {
        Map<String, Object> json = new LinkedHashMap<>(health.toMap());
        history.last(health.feature()).ifPresent(event -> json.put("lastRollback", rollback(event)));
        return json;
    }

    private static Map<String, Object> rollback(RollbackEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("time", event.time().toString());
        json.put("reason", event.reason());
        json.put("scope", event.scope().name());
        json.put("actor", event.actor());
        event.findEvidence().ifPresent(evidence -> json.put("evidence", evidence(evidence)));
        return json;
    }

    private static Map<String, Object> evidence(Evidence evidence) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("criterion", evidence.criterion().name());
        json.put("summary", evidence.summary());
        json.put("newSamples", evidence.newSamples());
        json.put("oldSamples", evidence.oldSamples());
        json.put("newEstimate", evidence.newEstimate());
        json.put("oldEstimate", evidence.oldEstimate());
        json.put("effect", evidence.effect());
        json.put("tolerance", evidence.tolerance());
        json.put("logEvidence", evidence.logEvidence());
        json.put("logThreshold", evidence.logThreshold());
        return json;
    }
}
