package dev.rollback.spring.actuate;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.flag.FeatureNames;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.health.FeatureHealth;
import dev.rollback.core.health.HealthReport;
import dev.rollback.core.health.HealthStatus;
import dev.rollback.core.judge.Evidence;
import dev.rollback.core.ledger.LedgerText;
import dev.rollback.spring.FeatureRollout;
import dev.rollback.spring.FeatureRollouts;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
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
 *       or {@code {"action": "reinstate"}}: rolls back or reinstates a feature that has a guard (404
 *       for any other name, which creates nothing);</li>
 *   <li>{@code POST /actuator/rollback} with {@code {"action": "contract"}} or
 *       {@code {"action": "rollback-migrations"}}: contracts the expand/contract schema migrations
 *       (409 if refused, with the reason) or rolls them back, when there are {@link RollbackMigrations}
 *       (404 otherwise) and {@code rollback.endpoint.schema-writes=true} (403 otherwise); their
 *       phases are listed under {@code migrations} in the report, read off the request path by a
 *       {@link MigrationStatusCache}, with their age under {@code migrationsStatus}.</li>
 * </ul>
 * Its default access is read-only: the write operations are refused until the application sets
 * {@code management.endpoint.rollback.access=unrestricted}. Every write is logged at WARN with its
 * caller, as Spring Security knows it; a reason is made one line. Expose it like any endpoint
 * ({@code management.endpoints.web.exposure.include=health,rollback}) and protect it like one (see
 * the module's README).
 */
@Endpoint(id = "rollback", defaultAccess = Access.READ_ONLY)
public final class RollbackEndpoint {

    /** The reason recorded for a rollback through the endpoint without a reason of its own. */
    static final String DEFAULT_REASON = "rolled back through the actuator endpoint";

    private static final int STATUS_CONFLICT = 409;
    private static final int STATUS_FORBIDDEN = 403;

    private static final Logger log = LoggerFactory.getLogger(RollbackEndpoint.class);
    private static final String UNKNOWN_CALLER = "an unauthenticated caller";
    /** The names a flag service such as Unleash accepts; anything else is refused before a lookup. */
    private static final Pattern URL_SAFE_NAME =
            Pattern.compile("[A-Za-z0-9._~-]{1," + FeatureNames.MAXIMUM_LENGTH + "}");

    private final RollbackRegistry registry;
    private final FeatureRollouts rollouts;
    private final RollbackHistory history;
    private final @Nullable MigrationStatusCache migrations;
    private final boolean schemaWrites;

    /**
     * Creates the endpoint, without schema migrations.
     *
     * @param registry the registry
     * @param history  the last rollbacks, for their evidence
     */
    public RollbackEndpoint(RollbackRegistry registry, RollbackHistory history) {
        this(registry, FeatureRollouts.decidedBy("the application's FlagSource"), history, null, false);
    }

    /**
     * Creates the endpoint.
     *
     * @param registry     the registry
     * @param rollouts     each feature's rollout
     * @param history      the last rollbacks, for their evidence
     * @param migrations   the schema migrations' status, or {@code null} if there are none
     * @param schemaWrites whether {@code contract} and {@code rollback-migrations} are allowed
     */
    public RollbackEndpoint(RollbackRegistry registry, FeatureRollouts rollouts, RollbackHistory history,
                            @Nullable MigrationStatusCache migrations, boolean schemaWrites) {
        this.registry = registry;
        this.rollouts = rollouts;
        this.history = history;
        this.migrations = migrations;
        this.schemaWrites = schemaWrites;
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
            json.put("migrationsStatus", migrations.freshness());
        }
        return new WebEndpointResponse<>(json, report.status() == HealthStatus.ROLLBACK_REQUESTED
                ? WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE : WebEndpointResponse.STATUS_OK);
    }

    /**
     * Contracts or rolls back the schema migrations, when {@code rollback.endpoint.schema-writes} is
     * on; logged with the caller.
     *
     * @param action          {@code contract} or {@code rollback-migrations}
     * @param securityContext who calls, as Spring Security knows it
     * @return the migrations after the action (200), the refusal (409), 403 while schema writes are
     *         off, 404 without migrations, or 400 for another action (naming the valid ones)
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> migrations(String action, SecurityContext securityContext) {
        if (migrations == null) {
            return new WebEndpointResponse<>(Map.of("message", "this service has no expand/contract migrations"),
                    WebEndpointResponse.STATUS_NOT_FOUND);
        }
        String normalized = action.toLowerCase(Locale.ROOT);
        if (!normalized.equals("contract") && !normalized.equals("rollback-migrations")) {
            return invalidAction(action, "contract", "rollback-migrations");
        }
        String caller = LedgerText.escape(caller(securityContext));
        if (!schemaWrites) {
            log.warn("Refused '{}' of the schema migrations through the actuator endpoint by {}: schema writes are"
                    + " off", normalized, caller);
            return new WebEndpointResponse<>(Map.of("message", "'" + normalized + "' through this endpoint is off;"
                    + " set rollback.endpoint.schema-writes=true to allow it"), STATUS_FORBIDDEN);
        }
        log.warn("'{}' of the schema migrations through the actuator endpoint by {}", normalized, caller);
        try {
            if (normalized.equals("contract")) {
                migrations.contract();
            } else {
                migrations.rollback();
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
     * Rolls back or reinstates a feature that has a guard; logged with the caller. A name with no
     * guard is 404 and creates nothing, so that callers cannot grow the registry, its meters or the
     * report with made-up names.
     *
     * @param feature         the feature
     * @param action          {@code rollback} or {@code reinstate}
     * @param reason          why, for a rollback; recorded in the ledger, as one line
     * @param securityContext who calls, as Spring Security knows it
     * @return the feature after the action (200), 404 if it has no guard, or 400 for another action
     *         (naming the valid ones)
     * @throws InvalidEndpointRequestException (HTTP 400) for a name with no guard that is not a
     *                                         URL-safe flag name
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> change(@Selector String feature, String action,
                                                          @Nullable String reason, SecurityContext securityContext) {
        String normalized = action.toLowerCase(Locale.ROOT);
        if (!normalized.equals("rollback") && !normalized.equals("reinstate")) {
            return invalidAction(action, "rollback", "reinstate");
        }
        Optional<ReleaseGuard> guard = registry.find(feature);
        if (guard.isEmpty()) {
            if (!URL_SAFE_NAME.matcher(feature).matches()) {
                throw new InvalidEndpointRequestException("feature name must be 1 to " + FeatureNames.MAXIMUM_LENGTH
                        + " letters, digits, '-', '_', '.' or '~', was '" + LedgerText.escape(feature) + "'",
                        "invalid feature name");
            }
            return new WebEndpointResponse<>(Map.of("message", "no feature '" + feature + "' on this instance"),
                    WebEndpointResponse.STATUS_NOT_FOUND);
        }
        String caller = caller(securityContext);
        if (normalized.equals("rollback")) {
            String why = reason == null || reason.isBlank() ? DEFAULT_REASON : reason;
            log.warn("Rollback of feature '{}' through the actuator endpoint by {}: {}", feature,
                    LedgerText.escape(caller), LedgerText.reason(why));
            guard.get().rollback(why); // which makes the reason one line
        } else {
            log.warn("Reinstate of feature '{}' through the actuator endpoint by {}", feature, LedgerText.escape(caller));
            guard.get().reinstate();
        }
        return new WebEndpointResponse<>(feature(feature));
    }

    /** HTTP 400 naming the refused action and the valid ones, in the body (Boot's error page shows no message). */
    private static WebEndpointResponse<Map<String, Object>> invalidAction(String action, String... valid) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", "action must be '" + String.join("' or '", valid) + "', was '" + LedgerText.escape(action)
                + "'");
        body.put("actions", List.of(valid));
        return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_BAD_REQUEST);
    }

    /** The caller's name as Spring Security knows it, as given, or that it is not known. */
    private static String caller(@Nullable SecurityContext securityContext) {
        Principal principal = securityContext == null ? null : securityContext.getPrincipal();
        return principal == null || principal.getName() == null ? UNKNOWN_CALLER : "'" + principal.getName() + "'";
    }

    private Map<String, Object> feature(FeatureHealth health) {
        Map<String, Object> json = new LinkedHashMap<>(health.toMap());
        FeatureRollout rollout = rollouts.rollout(health.feature());
        json.put("rollout", rollout.percent());
        json.put("rolloutSource", rollout.source());
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
