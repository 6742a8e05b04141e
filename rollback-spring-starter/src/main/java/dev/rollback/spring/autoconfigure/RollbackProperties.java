package dev.rollback.spring.autoconfigure;

import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.ReflectionUtils;

/**
 * The {@code rollback.*} properties. Every default is the core's {@code DEFAULT_*} constant of the
 * same setting; {@code RollbackPropertiesTest} checks that they agree. Only fields are documented,
 * as in Spring Boot's own properties classes: the comment is the property's description.
 *
 * <p>Each group of settings is one block: its field, its getter and its class; a new group is a
 * block added at the end. {@link Feature} is {@link Guard} with every setting unset unless given.
 */
@ConfigurationProperties("rollback")
public class RollbackProperties {

    /** Whether to guard @Rollbackable methods and wire the rollback registry. */
    private boolean enabled = true;

    /** Whether to refuse to start when a bean calls one of its own @Rollbackable methods, which bypasses the guard. */
    private boolean rejectSelfInvocation = true;

    /** Percentage of calls that take a feature's new path when no flag service decides (0 to 100). */
    private int defaultRollout = 100;

    /** How often this instance tells the ledger it is alive. */
    private Duration heartbeatInterval = Duration.ofSeconds(10);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isRejectSelfInvocation() {
        return rejectSelfInvocation;
    }

    public void setRejectSelfInvocation(boolean rejectSelfInvocation) {
        this.rejectSelfInvocation = rejectSelfInvocation;
    }

    public int getDefaultRollout() {
        return defaultRollout;
    }

    public void setDefaultRollout(int defaultRollout) {
        this.defaultRollout = defaultRollout;
    }

    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    /** This instance's service. */
    private final Service service = new Service();

    public Service getService() {
        return service;
    }

    /** This instance's service. */
    public static class Service {

        /** Service name; spring.application.name when not set, else "application". */
        private String name;

        /**
         * Service version when the build info (META-INF/build-info.properties) has none; else the main
         * class's jar manifest (spring.application.version); else "unknown".
         */
        private String version;

        /** Instance id; the HOSTNAME environment variable (a pod's name) when not set, else a random id. */
        private String instanceId;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getVersion() {
            return version;
        }

        public void setVersion(String version) {
            this.version = version;
        }

        public String getInstanceId() {
            return instanceId;
        }

        public void setInstanceId(String instanceId) {
            this.instanceId = instanceId;
        }
    }

    /** Judge and breaker settings of every feature, unless overridden under rollback.features. */
    private final Guard guard = new Guard();

    public Guard getGuard() {
        return guard;
    }

    /** Judge and breaker settings of every feature (GuardConfig). */
    public static class Guard {

        /** Bound on the chance that one criterion rolls back a feature no worse than the tolerances allow, in (0, 0.5]. */
        private Double significanceLevel = 0.01;

        /** Percentage points (as a fraction) by which the new path's error rate may exceed the old path's, in [0, 1). */
        private Double errorRateTolerance = 0.001;

        /** Fraction by which the new path's typical latency may exceed the old path's, in [0, 10]. */
        private Double latencyTolerance = 0.10;

        /** Latency below which differences are noise, not regressions. */
        private Duration latencyResolution = Duration.ofMillis(1);

        /** Samples each path needs before the judge compares them. */
        private Integer minimumSamples = 20;

        /** Highest error rate the new path may have whatever the old path does, in (0, 1]; 1 means no limit. */
        private Double maximumErrorRate = 1.0;

        /** Latency the new path's maximum-latency-quantile may not exceed; 0 means no limit. */
        private Duration maximumLatency = Duration.ofMillis(0);

        /** Quantile that maximum-latency limits, in (0, 1). */
        private Double maximumLatencyQuantile = 0.99;

        /** Percent of keys kept on the old path as the judge's concurrent control, in [0, 50]. */
        private Double holdback = 0.0;

        /** How often, at most, a failing flag source is logged. */
        private Duration flagErrorLogInterval = Duration.ofMinutes(1);

        public Double getSignificanceLevel() {
            return significanceLevel;
        }

        public void setSignificanceLevel(Double significanceLevel) {
            this.significanceLevel = significanceLevel;
        }

        public Double getErrorRateTolerance() {
            return errorRateTolerance;
        }

        public void setErrorRateTolerance(Double errorRateTolerance) {
            this.errorRateTolerance = errorRateTolerance;
        }

        public Double getLatencyTolerance() {
            return latencyTolerance;
        }

        public void setLatencyTolerance(Double latencyTolerance) {
            this.latencyTolerance = latencyTolerance;
        }

        public Duration getLatencyResolution() {
            return latencyResolution;
        }

        public void setLatencyResolution(Duration latencyResolution) {
            this.latencyResolution = latencyResolution;
        }

        public Integer getMinimumSamples() {
            return minimumSamples;
        }

        public void setMinimumSamples(Integer minimumSamples) {
            this.minimumSamples = minimumSamples;
        }

        public Double getMaximumErrorRate() {
            return maximumErrorRate;
        }

        public void setMaximumErrorRate(Double maximumErrorRate) {
            this.maximumErrorRate = maximumErrorRate;
        }

        public Duration getMaximumLatency() {
            return maximumLatency;
        }

        public void setMaximumLatency(Duration maximumLatency) {
            this.maximumLatency = maximumLatency;
        }

        public Double getMaximumLatencyQuantile() {
            return maximumLatencyQuantile;
        }

        public void setMaximumLatencyQuantile(Double maximumLatencyQuantile) {
            this.maximumLatencyQuantile = maximumLatencyQuantile;
        }

        public Double getHoldback() {
            return holdback;
        }

        public void setHoldback(Double holdback) {
            this.holdback = holdback;
        }

        public Duration getFlagErrorLogInterval() {
            return flagErrorLogInterval;
        }

        public void setFlagErrorLogInterval(Duration flagErrorLogInterval) {
            this.flagErrorLogInterval = flagErrorLogInterval;
        }
    }

    /** Settings of single features, by feature name; each overrides rollback.guard and rollback.default-rollout. */
    private final Map<String, Feature> features = new LinkedHashMap<>();

    public Map<String, Feature> getFeatures() {
        return features;
    }

    /** Settings of one feature; each one not set is the default's (rollback.guard). */
    public static class Feature extends Guard {

        /** Percentage of calls that take the new path when no flag service decides (0 to 100). */
        private Integer rollout;

        public Feature() {
            // A feature's guard settings start unset (null), not at the literal defaults: unset means "as rollback.guard".
            ReflectionUtils.doWithLocalFields(Guard.class, field -> {
                if (!Modifier.isStatic(field.getModifiers())) {
                    ReflectionUtils.makeAccessible(field);
                    ReflectionUtils.setField(field, this, null);
                }
            });
        }

        public Integer getRollout() {
            return rollout;
        }

        public void setRollout(Integer rollout) {
            this.rollout = rollout;
        }
    }

    /** Ledger of versions, deployments and rollbacks. */
    private final Ledger ledger = new Ledger();

    public Ledger getLedger() {
        return ledger;
    }

    /** Ledger of versions, deployments and rollbacks. */
    public static class Ledger {

        /** Whether to create the ledger's tables at start-up, where they do not exist, when the ledger is on the application's DataSource. */
        private boolean initializeSchema = true;

        /** Ledger writes that may wait while the ledger is slow or down. */
        private int queueCapacity = 10000;

        /** Pause before the first retry of a failed ledger write; doubled after each further failure. */
        private Duration initialBackoff = Duration.ofMillis(100);

        /** Longest pause between retries of a failed ledger write. */
        private Duration maximumBackoff = Duration.ofSeconds(30);

        /** How long closing the registry waits for queued ledger writes. */
        private Duration flushTimeout = Duration.ofSeconds(10);

        /** Longest wait for a connection of the ledger's own pool, when it is on the application's DataSource. */
        private Duration connectionTimeout = Duration.ofSeconds(5);

        public boolean isInitializeSchema() {
            return initializeSchema;
        }

        public void setInitializeSchema(boolean initializeSchema) {
            this.initializeSchema = initializeSchema;
        }

        public int getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaximumBackoff() {
            return maximumBackoff;
        }

        public void setMaximumBackoff(Duration maximumBackoff) {
            this.maximumBackoff = maximumBackoff;
        }

        public Duration getFlushTimeout() {
            return flushTimeout;
        }

        public void setFlushTimeout(Duration flushTimeout) {
            this.flushTimeout = flushTimeout;
        }

        public Duration getConnectionTimeout() {
            return connectionTimeout;
        }

        public void setConnectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
        }
    }

    /** Unleash as the flag service, when rollback-flags is on the class path. */
    private final Unleash unleash = new Unleash();

    public Unleash getUnleash() {
        return unleash;
    }

    /** Unleash as the flag service. */
    public static class Unleash {

        /** Whether to use Unleash as the flag source when rollback-flags is on the class path and an Unleash client exists or can be made. */
        private boolean enabled = true;

        /** Unleash client API URL, e.g. https://unleash.example.com/api/; setting it makes the starter create the Unleash client when the application has none. */
        private String url;

        /** Client (backend) API token. */
        private String clientToken;

        /** Application name the client reports; the service name when not set. */
        private String appName;

        /** Interval between two fetches of the toggles. */
        private Duration fetchInterval = Duration.ofSeconds(10);

        /** Whether the client fetches the toggles once before the application starts. */
        private boolean synchronousFetchOnInitialisation = false;

        /** Unleash context field that receives a call's stickiness key. */
        private String stickinessField = "userId";

        /** Decisions cached per feature. */
        private long cacheMaximumSize = 10000;

        /** How often, at most, a failing Unleash client is logged. */
        private Duration errorLogInterval = Duration.ofMinutes(1);

        /** Fleet-wide kill switch through the Unleash admin API. */
        private final KillSwitch killSwitch = new KillSwitch();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getClientToken() {
            return clientToken;
        }

        public void setClientToken(String clientToken) {
            this.clientToken = clientToken;
        }

        public String getAppName() {
            return appName;
        }

        public void setAppName(String appName) {
            this.appName = appName;
        }

        public Duration getFetchInterval() {
            return fetchInterval;
        }

        public void setFetchInterval(Duration fetchInterval) {
            this.fetchInterval = fetchInterval;
        }

        public boolean isSynchronousFetchOnInitialisation() {
            return synchronousFetchOnInitialisation;
        }

        public void setSynchronousFetchOnInitialisation(boolean synchronousFetchOnInitialisation) {
            this.synchronousFetchOnInitialisation = synchronousFetchOnInitialisation;
        }

        public String getStickinessField() {
            return stickinessField;
        }

        public void setStickinessField(String stickinessField) {
            this.stickinessField = stickinessField;
        }

        public long getCacheMaximumSize() {
            return cacheMaximumSize;
        }

        public void setCacheMaximumSize(long cacheMaximumSize) {
            this.cacheMaximumSize = cacheMaximumSize;
        }

        public Duration getErrorLogInterval() {
            return errorLogInterval;
        }

        public void setErrorLogInterval(Duration errorLogInterval) {
            this.errorLogInterval = errorLogInterval;
        }

        public KillSwitch getKillSwitch() {
            return killSwitch;
        }
    }

    /** Fleet-wide kill switch: a rolled back feature's flag is turned off through the Unleash admin API. */
    public static class KillSwitch {

        /** Unleash base URL for the admin API, e.g. https://unleash.example.com; rollback.unleash.url without its /api when not set. */
        private String adminUrl;

        /** Admin API token; the kill switch is on when it is set. */
        private String token;

        /** Unleash project of the flags. */
        private String project = "default";

        /** Unleash environment in which flags are turned off, e.g. production. */
        private String environment;

        /** Time limit of one admin API request. */
        private Duration requestTimeout = Duration.ofSeconds(5);

        /** Attempts per flag, the first included. */
        private int maxAttempts = 6;

        /** Pause before the first retry; doubled after each further failure. */
        private Duration initialBackoff = Duration.ofMillis(500);

        /** Longest pause between retries. */
        private Duration maxBackoff = Duration.ofSeconds(30);

        public String getAdminUrl() {
            return adminUrl;
        }

        public void setAdminUrl(String adminUrl) {
            this.adminUrl = adminUrl;
        }

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token;
        }

        public String getProject() {
            return project;
        }

        public void setProject(String project) {
            this.project = project;
        }

        public String getEnvironment() {
            return environment;
        }

        public void setEnvironment(String environment) {
            this.environment = environment;
        }

        public Duration getRequestTimeout() {
            return requestTimeout;
        }

        public void setRequestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }
    }

    /** Expand/contract schema changes, when rollback-liquibase and Spring's Liquibase integration are on the class path. */
    private final Liquibase liquibase = new Liquibase();

    public Liquibase getLiquibase() {
        return liquibase;
    }

    /** Expand/contract schema changes through Spring's Liquibase integration. */
    public static class Liquibase {

        /** Whether to lint and configure Spring's Liquibase update for expand/contract and to offer contract and rollback of the migrations. */
        private boolean enabled = true;

        /** What the safety lint does before Spring's Liquibase update when it finds a change that breaks the running version. */
        private Lint lint = Lint.FAIL;

        /** How long after the last expand a contract is refused. */
        private Duration bakeTime = Duration.ofMinutes(15);

        /** How old an instance's heartbeat in the ledger may be for it to still block a contract. */
        private Duration instanceTimeout = Duration.ofSeconds(60);

        /** Rows per backfill statement. */
        private int backfillBatchSize = 5000;

        /** Pause between backfill batches. */
        private Duration backfillPause = Duration.ofMillis(5);

        /** Longest wait for a lock of each migration statement before it is tried again. */
        private Duration lockTimeout = Duration.ofSeconds(2);

        /** How often a migration statement is tried again after a lock timeout. */
        private int lockRetries = 5;

        /** Schema the application's connections use outside guarded paths instead of its version schema (PostgreSQL). */
        private String searchPath;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Lint getLint() {
            return lint;
        }

        public void setLint(Lint lint) {
            this.lint = lint;
        }

        public Duration getBakeTime() {
            return bakeTime;
        }

        public void setBakeTime(Duration bakeTime) {
            this.bakeTime = bakeTime;
        }

        public Duration getInstanceTimeout() {
            return instanceTimeout;
        }

        public void setInstanceTimeout(Duration instanceTimeout) {
            this.instanceTimeout = instanceTimeout;
        }

        public int getBackfillBatchSize() {
            return backfillBatchSize;
        }

        public void setBackfillBatchSize(int backfillBatchSize) {
            this.backfillBatchSize = backfillBatchSize;
        }

        public Duration getBackfillPause() {
            return backfillPause;
        }

        public void setBackfillPause(Duration backfillPause) {
            this.backfillPause = backfillPause;
        }

        public Duration getLockTimeout() {
            return lockTimeout;
        }

        public void setLockTimeout(Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }

        public int getLockRetries() {
            return lockRetries;
        }

        public void setLockRetries(int lockRetries) {
            this.lockRetries = lockRetries;
        }

        public String getSearchPath() {
            return searchPath;
        }

        public void setSearchPath(String searchPath) {
            this.searchPath = searchPath;
        }

        /** What the safety lint does when it finds a change that breaks the running version. */
        public enum Lint {
            /** Refuse the update, naming each finding. */
            FAIL,
            /** Log each finding and run the update. */
            WARN,
            /** Do not lint. */
            OFF
        }
    }

    /** Rollback actuator endpoint. */
    private final Endpoint endpoint = new Endpoint();

    public Endpoint getEndpoint() {
        return endpoint;
    }

    /** Rollback actuator endpoint. */
    public static class Endpoint {

        /** Whether the endpoint may contract or roll back the schema migrations; needs write access to the endpoint as well. */
        private boolean schemaWrites = false;

        /** How often the endpoint reads the migrations' phases from the database, off the request path. */
        private Duration migrationStatusRefresh = Duration.ofSeconds(10);

        public boolean isSchemaWrites() {
            return schemaWrites;
        }

        public void setSchemaWrites(boolean schemaWrites) {
            this.schemaWrites = schemaWrites;
        }

        public Duration getMigrationStatusRefresh() {
            return migrationStatusRefresh;
        }

        public void setMigrationStatusRefresh(Duration migrationStatusRefresh) {
            this.migrationStatusRefresh = migrationStatusRefresh;
        }
    }

    /** OpenFeature as the flag source, when rollback-openfeature is on the class path. */
    private final OpenFeature openfeature = new OpenFeature();

    public OpenFeature getOpenfeature() {
        return openfeature;
    }

    /** OpenFeature as the flag source. */
    public static class OpenFeature {

        /** Whether to use the application's OpenFeature client as the flag source when there is one and Unleash is not used. */
        private boolean enabled = true;

        /** How many flag decisions are cached per feature. */
        private long cacheMaximumSize = 10000;

        /** How often, at most, a failing flag evaluation is logged. */
        private Duration errorLogInterval = Duration.ofMinutes(1);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public long getCacheMaximumSize() {
            return cacheMaximumSize;
        }

        public void setCacheMaximumSize(long cacheMaximumSize) {
            this.cacheMaximumSize = cacheMaximumSize;
        }

        public Duration getErrorLogInterval() {
            return errorLogInterval;
        }

        public void setErrorLogInterval(Duration errorLogInterval) {
            this.errorLogInterval = errorLogInterval;
        }
    }

    /** Fleet evidence: this instance's judge statistics pooled with the other instances' in the ledger's database. */
    private final Fleet fleet = new Fleet();

    public Fleet getFleet() {
        return fleet;
    }

    /** Fleet evidence: this instance's judge statistics pooled with the other instances' in the ledger's database. */
    public static class Fleet {

        /** Whether to publish this instance's judge statistics and judge the fleet's, when the ledger is on the application's DataSource. */
        private boolean enabled = true;

        /** How long a time block lasts: how often this instance publishes its statistics and heartbeat and judges the fleet's. */
        private Duration publishInterval = Duration.ofSeconds(1);

        /** How old an instance's last heartbeat may be before it counts as gone. */
        private Duration staleAfter = Duration.ofSeconds(30);

        /** Blocks that may wait while the ledger's database cannot be reached; beyond, the oldest are dropped and counted. */
        private int maximumPendingBlocks = 10000;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getPublishInterval() {
            return publishInterval;
        }

        public void setPublishInterval(Duration publishInterval) {
            this.publishInterval = publishInterval;
        }

        public Duration getStaleAfter() {
            return staleAfter;
        }

        public void setStaleAfter(Duration staleAfter) {
            this.staleAfter = staleAfter;
        }

        public int getMaximumPendingBlocks() {
            return maximumPendingBlocks;
        }

        public void setMaximumPendingBlocks(int maximumPendingBlocks) {
            this.maximumPendingBlocks = maximumPendingBlocks;
        }
    }
}
