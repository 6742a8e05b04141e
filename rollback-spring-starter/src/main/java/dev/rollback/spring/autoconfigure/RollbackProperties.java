package dev.rollback.spring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code rollback.*} properties. Every default is the core's {@code DEFAULT_*} constant of the
 * same setting; {@code RollbackPropertiesTest} checks that they agree.
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

    /** This instance's service. */
    private final Service service = new Service();

    /** Judge and breaker settings of every feature, unless overridden under rollback.features. */
    private final Guard guard = new Guard();

    /** Settings of single features, by feature name; each overrides rollback.guard and rollback.default-rollout. */
    private final Map<String, Feature> features = new LinkedHashMap<>();

    /** The ledger of versions, deployments and rollbacks. */
    private final Ledger ledger = new Ledger();

    /** Unleash as the flag service, when rollback-flags is on the class path. */
    private final Unleash unleash = new Unleash();

    /** Expand/contract schema changes, when rollback-liquibase and Spring's Liquibase integration are on the class path. */
    private final Liquibase liquibase = new Liquibase();

    /** The rollback actuator endpoint. */
    private final Endpoint endpoint = new Endpoint();

    /**
     * Returns whether the starter is on.
     *
     * @return whether the starter is on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether the starter is on.
     *
     * @param enabled whether the starter is on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Returns whether self-invocations are refused at start-up.
     *
     * @return whether self-invocations are refused
     */
    public boolean isRejectSelfInvocation() {
        return rejectSelfInvocation;
    }

    /**
     * Sets whether self-invocations are refused at start-up.
     *
     * @param rejectSelfInvocation whether self-invocations are refused
     */
    public void setRejectSelfInvocation(boolean rejectSelfInvocation) {
        this.rejectSelfInvocation = rejectSelfInvocation;
    }

    /**
     * Returns the rollout percentage when no flag service decides.
     *
     * @return the percentage
     */
    public int getDefaultRollout() {
        return defaultRollout;
    }

    /**
     * Sets the rollout percentage when no flag service decides.
     *
     * @param defaultRollout the percentage
     */
    public void setDefaultRollout(int defaultRollout) {
        this.defaultRollout = defaultRollout;
    }

    /**
     * Returns the heartbeat interval.
     *
     * @return the interval
     */
    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * Sets the heartbeat interval.
     *
     * @param heartbeatInterval the interval
     */
    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    /**
     * Returns the service settings.
     *
     * @return the service settings
     */
    public Service getService() {
        return service;
    }

    /**
     * Returns the settings of every feature.
     *
     * @return the guard settings
     */
    public Guard getGuard() {
        return guard;
    }

    /**
     * Returns the settings of single features.
     *
     * @return the features, by name
     */
    public Map<String, Feature> getFeatures() {
        return features;
    }

    /**
     * Returns the ledger settings.
     *
     * @return the ledger settings
     */
    public Ledger getLedger() {
        return ledger;
    }

    /**
     * Returns the Unleash settings.
     *
     * @return the Unleash settings
     */
    public Unleash getUnleash() {
        return unleash;
    }

    /**
     * Returns the expand/contract settings.
     *
     * @return the expand/contract settings
     */
    public Liquibase getLiquibase() {
        return liquibase;
    }

    /**
     * Returns the endpoint settings.
     *
     * @return the endpoint settings
     */
    public Endpoint getEndpoint() {
        return endpoint;
    }

    /** This instance's service. */
    public static class Service {

        /** Service name; spring.application.name when not set, else "application". */
        private String name;

        /** Service version when the build info (META-INF/build-info.properties) has none; else "unknown". */
        private String version;

        /** Instance id; the HOSTNAME environment variable (a pod's name) when not set, else a random id. */
        private String instanceId;

        /**
         * Returns the service name.
         *
         * @return the name, or {@code null}
         */
        public String getName() {
            return name;
        }

        /**
         * Sets the service name.
         *
         * @param name the name
         */
        public void setName(String name) {
            this.name = name;
        }

        /**
         * Returns the version used when there is no build info.
         *
         * @return the version, or {@code null}
         */
        public String getVersion() {
            return version;
        }

        /**
         * Sets the version used when there is no build info.
         *
         * @param version the version
         */
        public void setVersion(String version) {
            this.version = version;
        }

        /**
         * Returns the instance id.
         *
         * @return the id, or {@code null}
         */
        public String getInstanceId() {
            return instanceId;
        }

        /**
         * Sets the instance id.
         *
         * @param instanceId the id
         */
        public void setInstanceId(String instanceId) {
            this.instanceId = instanceId;
        }
    }

    /** Judge and breaker settings of every feature (GuardConfig). */
    public static class Guard implements GuardSettings {

        /** Bound on the chance that one criterion rolls back a feature no worse than the tolerances allow, in (0, 0.5]. */
        private double significanceLevel = 0.01;

        /** Percentage points (as a fraction) by which the new path's error rate may exceed the old path's, in [0, 1). */
        private double errorRateTolerance = 0.001;

        /** Fraction by which the new path's typical latency may exceed the old path's, in [0, 10]. */
        private double latencyTolerance = 0.10;

        /** Latency below which differences are noise, not regressions. */
        private Duration latencyResolution = Duration.ofMillis(1);

        /** Samples each path needs before the judge compares them. */
        private int minimumSamples = 20;

        /** Highest error rate the new path may have whatever the old path does, in (0, 1]; 1 means no limit. */
        private double maximumErrorRate = 1.0;

        /** Latency the new path's maximum-latency-quantile may not exceed; 0 means no limit. */
        private Duration maximumLatency = Duration.ofMillis(0);

        /** Quantile that maximum-latency limits, in (0, 1). */
        private double maximumLatencyQuantile = 0.99;

        /** Percent of keys kept on the old path as the judge's concurrent control, in [0, 50]. */
        private double holdback = 0;

        /** Stickiness keys whose path each guard remembers. */
        private long stickyKeysMaximumSize = 10000;

        /** How long a stickiness key's path is remembered after its last call. */
        private Duration stickyKeysExpireAfterAccess = Duration.ofMinutes(30);

        /** How often, at most, a failing flag source is logged. */
        private Duration flagErrorLogInterval = Duration.ofMinutes(1);

        /**
         * Returns the significance level.
         *
         * @return alpha
         */
        public double getSignificanceLevel() {
            return significanceLevel;
        }

        /**
         * Sets the significance level.
         *
         * @param significanceLevel alpha
         */
        public void setSignificanceLevel(double significanceLevel) {
            this.significanceLevel = significanceLevel;
        }

        /**
         * Returns the error rate tolerance.
         *
         * @return the tolerance
         */
        public double getErrorRateTolerance() {
            return errorRateTolerance;
        }

        /**
         * Sets the error rate tolerance.
         *
         * @param errorRateTolerance the tolerance
         */
        public void setErrorRateTolerance(double errorRateTolerance) {
            this.errorRateTolerance = errorRateTolerance;
        }

        /**
         * Returns the latency tolerance.
         *
         * @return the tolerance
         */
        public double getLatencyTolerance() {
            return latencyTolerance;
        }

        /**
         * Sets the latency tolerance.
         *
         * @param latencyTolerance the tolerance
         */
        public void setLatencyTolerance(double latencyTolerance) {
            this.latencyTolerance = latencyTolerance;
        }

        /**
         * Returns the latency resolution.
         *
         * @return the resolution
         */
        public Duration getLatencyResolution() {
            return latencyResolution;
        }

        /**
         * Sets the latency resolution.
         *
         * @param latencyResolution the resolution
         */
        public void setLatencyResolution(Duration latencyResolution) {
            this.latencyResolution = latencyResolution;
        }

        /**
         * Returns the minimum samples.
         *
         * @return the samples per path
         */
        public int getMinimumSamples() {
            return minimumSamples;
        }

        /**
         * Sets the minimum samples.
         *
         * @param minimumSamples the samples per path
         */
        public void setMinimumSamples(int minimumSamples) {
            this.minimumSamples = minimumSamples;
        }

        /**
         * Returns the maximum error rate.
         *
         * @return the rate
         */
        public double getMaximumErrorRate() {
            return maximumErrorRate;
        }

        /**
         * Sets the maximum error rate.
         *
         * @param maximumErrorRate the rate
         */
        public void setMaximumErrorRate(double maximumErrorRate) {
            this.maximumErrorRate = maximumErrorRate;
        }

        /**
         * Returns the maximum latency.
         *
         * @return the latency
         */
        public Duration getMaximumLatency() {
            return maximumLatency;
        }

        /**
         * Sets the maximum latency.
         *
         * @param maximumLatency the latency
         */
        public void setMaximumLatency(Duration maximumLatency) {
            this.maximumLatency = maximumLatency;
        }

        /**
         * Returns the maximum latency quantile.
         *
         * @return the quantile
         */
        public double getMaximumLatencyQuantile() {
            return maximumLatencyQuantile;
        }

        /**
         * Sets the maximum latency quantile.
         *
         * @param maximumLatencyQuantile the quantile
         */
        public void setMaximumLatencyQuantile(double maximumLatencyQuantile) {
            this.maximumLatencyQuantile = maximumLatencyQuantile;
        }

        /**
         * Returns the holdback percentage.
         *
         * @return the percentage
         */
        public double getHoldback() {
            return holdback;
        }

        /**
         * Sets the holdback percentage.
         *
         * @param holdback the percentage
         */
        public void setHoldback(double holdback) {
            this.holdback = holdback;
        }

        /**
         * Returns the sticky keys' maximum size.
         *
         * @return the size
         */
        public long getStickyKeysMaximumSize() {
            return stickyKeysMaximumSize;
        }

        /**
         * Sets the sticky keys' maximum size.
         *
         * @param stickyKeysMaximumSize the size
         */
        public void setStickyKeysMaximumSize(long stickyKeysMaximumSize) {
            this.stickyKeysMaximumSize = stickyKeysMaximumSize;
        }

        /**
         * Returns the sticky keys' expiry.
         *
         * @return the expiry
         */
        public Duration getStickyKeysExpireAfterAccess() {
            return stickyKeysExpireAfterAccess;
        }

        /**
         * Sets the sticky keys' expiry.
         *
         * @param stickyKeysExpireAfterAccess the expiry
         */
        public void setStickyKeysExpireAfterAccess(Duration stickyKeysExpireAfterAccess) {
            this.stickyKeysExpireAfterAccess = stickyKeysExpireAfterAccess;
        }

        /**
         * Returns the flag error log interval.
         *
         * @return the interval
         */
        public Duration getFlagErrorLogInterval() {
            return flagErrorLogInterval;
        }

        /**
         * Sets the flag error log interval.
         *
         * @param flagErrorLogInterval the interval
         */
        public void setFlagErrorLogInterval(Duration flagErrorLogInterval) {
            this.flagErrorLogInterval = flagErrorLogInterval;
        }

        @Override
        public Double significanceLevel() {
            return significanceLevel;
        }

        @Override
        public Double errorRateTolerance() {
            return errorRateTolerance;
        }

        @Override
        public Double latencyTolerance() {
            return latencyTolerance;
        }

        @Override
        public Duration latencyResolution() {
            return latencyResolution;
        }

        @Override
        public Integer minimumSamples() {
            return minimumSamples;
        }

        @Override
        public Double maximumErrorRate() {
            return maximumErrorRate;
        }

        @Override
        public Duration maximumLatency() {
            return maximumLatency;
        }

        @Override
        public Double maximumLatencyQuantile() {
            return maximumLatencyQuantile;
        }

        @Override
        public Double holdback() {
            return holdback;
        }

        @Override
        public Long stickyKeysMaximumSize() {
            return stickyKeysMaximumSize;
        }

        @Override
        public Duration stickyKeysExpireAfterAccess() {
            return stickyKeysExpireAfterAccess;
        }

        @Override
        public Duration flagErrorLogInterval() {
            return flagErrorLogInterval;
        }
    }

    /** Settings of one feature; each one not set is taken from rollback.guard. */
    public static class Feature implements GuardSettings {

        /** Percentage of calls that take the new path when no flag service decides (0 to 100). */
        private Integer rollout;

        /** Bound on the chance that one criterion rolls back the feature when it is no worse than the tolerances allow. */
        private Double significanceLevel;

        /** Percentage points (as a fraction) by which the new path's error rate may exceed the old path's. */
        private Double errorRateTolerance;

        /** Fraction by which the new path's typical latency may exceed the old path's. */
        private Double latencyTolerance;

        /** Latency below which differences are noise, not regressions. */
        private Duration latencyResolution;

        /** Samples each path needs before the judge compares them. */
        private Integer minimumSamples;

        /** Highest error rate the new path may have whatever the old path does; 1 means no limit. */
        private Double maximumErrorRate;

        /** Latency the new path's maximum-latency-quantile may not exceed; 0 means no limit. */
        private Duration maximumLatency;

        /** Quantile that maximum-latency limits. */
        private Double maximumLatencyQuantile;

        /** Percent of keys kept on the old path as the judge's concurrent control. */
        private Double holdback;

        /** Stickiness keys whose path the guard remembers. */
        private Long stickyKeysMaximumSize;

        /** How long a stickiness key's path is remembered after its last call. */
        private Duration stickyKeysExpireAfterAccess;

        /** How often, at most, a failing flag source is logged. */
        private Duration flagErrorLogInterval;

        /**
         * Returns the rollout percentage.
         *
         * @return the percentage, or {@code null}
         */
        public Integer getRollout() {
            return rollout;
        }

        /**
         * Sets the rollout percentage.
         *
         * @param rollout the percentage
         */
        public void setRollout(Integer rollout) {
            this.rollout = rollout;
        }

        /**
         * Returns the significance level.
         *
         * @return alpha, or {@code null}
         */
        public Double getSignificanceLevel() {
            return significanceLevel;
        }

        /**
         * Sets the significance level.
         *
         * @param significanceLevel alpha
         */
        public void setSignificanceLevel(Double significanceLevel) {
            this.significanceLevel = significanceLevel;
        }

        /**
         * Returns the error rate tolerance.
         *
         * @return the tolerance, or {@code null}
         */
        public Double getErrorRateTolerance() {
            return errorRateTolerance;
        }

        /**
         * Sets the error rate tolerance.
         *
         * @param errorRateTolerance the tolerance
         */
        public void setErrorRateTolerance(Double errorRateTolerance) {
            this.errorRateTolerance = errorRateTolerance;
        }

        /**
         * Returns the latency tolerance.
         *
         * @return the tolerance, or {@code null}
         */
        public Double getLatencyTolerance() {
            return latencyTolerance;
        }

        /**
         * Sets the latency tolerance.
         *
         * @param latencyTolerance the tolerance
         */
        public void setLatencyTolerance(Double latencyTolerance) {
            this.latencyTolerance = latencyTolerance;
        }

        /**
         * Returns the latency resolution.
         *
         * @return the resolution, or {@code null}
         */
        public Duration getLatencyResolution() {
            return latencyResolution;
        }

        /**
         * Sets the latency resolution.
         *
         * @param latencyResolution the resolution
         */
        public void setLatencyResolution(Duration latencyResolution) {
            this.latencyResolution = latencyResolution;
        }

        /**
         * Returns the minimum samples.
         *
         * @return the samples, or {@code null}
         */
        public Integer getMinimumSamples() {
            return minimumSamples;
        }

        /**
         * Sets the minimum samples.
         *
         * @param minimumSamples the samples
         */
        public void setMinimumSamples(Integer minimumSamples) {
            this.minimumSamples = minimumSamples;
        }

        /**
         * Returns the maximum error rate.
         *
         * @return the rate, or {@code null}
         */
        public Double getMaximumErrorRate() {
            return maximumErrorRate;
        }

        /**
         * Sets the maximum error rate.
         *
         * @param maximumErrorRate the rate
         */
        public void setMaximumErrorRate(Double maximumErrorRate) {
            this.maximumErrorRate = maximumErrorRate;
        }

        /**
         * Returns the maximum latency.
         *
         * @return the latency, or {@code null}
         */
        public Duration getMaximumLatency() {
            return maximumLatency;
        }

        /**
         * Sets the maximum latency.
         *
         * @param maximumLatency the latency
         */
        public void setMaximumLatency(Duration maximumLatency) {
            this.maximumLatency = maximumLatency;
        }

        /**
         * Returns the maximum latency quantile.
         *
         * @return the quantile, or {@code null}
         */
        public Double getMaximumLatencyQuantile() {
            return maximumLatencyQuantile;
        }

        /**
         * Sets the maximum latency quantile.
         *
         * @param maximumLatencyQuantile the quantile
         */
        public void setMaximumLatencyQuantile(Double maximumLatencyQuantile) {
            this.maximumLatencyQuantile = maximumLatencyQuantile;
        }

        /**
         * Returns the holdback percentage.
         *
         * @return the percentage, or {@code null}
         */
        public Double getHoldback() {
            return holdback;
        }

        /**
         * Sets the holdback percentage.
         *
         * @param holdback the percentage
         */
        public void setHoldback(Double holdback) {
            this.holdback = holdback;
        }

        /**
         * Returns the sticky keys' maximum size.
         *
         * @return the size, or {@code null}
         */
        public Long getStickyKeysMaximumSize() {
            return stickyKeysMaximumSize;
        }

        /**
         * Sets the sticky keys' maximum size.
         *
         * @param stickyKeysMaximumSize the size
         */
        public void setStickyKeysMaximumSize(Long stickyKeysMaximumSize) {
            this.stickyKeysMaximumSize = stickyKeysMaximumSize;
        }

        /**
         * Returns the sticky keys' expiry.
         *
         * @return the expiry, or {@code null}
         */
        public Duration getStickyKeysExpireAfterAccess() {
            return stickyKeysExpireAfterAccess;
        }

        /**
         * Sets the sticky keys' expiry.
         *
         * @param stickyKeysExpireAfterAccess the expiry
         */
        public void setStickyKeysExpireAfterAccess(Duration stickyKeysExpireAfterAccess) {
            this.stickyKeysExpireAfterAccess = stickyKeysExpireAfterAccess;
        }

        /**
         * Returns the flag error log interval.
         *
         * @return the interval, or {@code null}
         */
        public Duration getFlagErrorLogInterval() {
            return flagErrorLogInterval;
        }

        /**
         * Sets the flag error log interval.
         *
         * @param flagErrorLogInterval the interval
         */
        public void setFlagErrorLogInterval(Duration flagErrorLogInterval) {
            this.flagErrorLogInterval = flagErrorLogInterval;
        }

        @Override
        public Double significanceLevel() {
            return significanceLevel;
        }

        @Override
        public Double errorRateTolerance() {
            return errorRateTolerance;
        }

        @Override
        public Double latencyTolerance() {
            return latencyTolerance;
        }

        @Override
        public Duration latencyResolution() {
            return latencyResolution;
        }

        @Override
        public Integer minimumSamples() {
            return minimumSamples;
        }

        @Override
        public Double maximumErrorRate() {
            return maximumErrorRate;
        }

        @Override
        public Duration maximumLatency() {
            return maximumLatency;
        }

        @Override
        public Double maximumLatencyQuantile() {
            return maximumLatencyQuantile;
        }

        @Override
        public Double holdback() {
            return holdback;
        }

        @Override
        public Long stickyKeysMaximumSize() {
            return stickyKeysMaximumSize;
        }

        @Override
        public Duration stickyKeysExpireAfterAccess() {
            return stickyKeysExpireAfterAccess;
        }

        @Override
        public Duration flagErrorLogInterval() {
            return flagErrorLogInterval;
        }
    }

    /** The ledger of versions, deployments and rollbacks. */
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

        /**
         * Returns whether the tables are created at start-up.
         *
         * @return whether the tables are created
         */
        public boolean isInitializeSchema() {
            return initializeSchema;
        }

        /**
         * Sets whether the tables are created at start-up.
         *
         * @param initializeSchema whether the tables are created
         */
        public void setInitializeSchema(boolean initializeSchema) {
            this.initializeSchema = initializeSchema;
        }

        /**
         * Returns the queue capacity.
         *
         * @return the capacity
         */
        public int getQueueCapacity() {
            return queueCapacity;
        }

        /**
         * Sets the queue capacity.
         *
         * @param queueCapacity the capacity
         */
        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        /**
         * Returns the first retry pause.
         *
         * @return the pause
         */
        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        /**
         * Sets the first retry pause.
         *
         * @param initialBackoff the pause
         */
        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        /**
         * Returns the longest retry pause.
         *
         * @return the pause
         */
        public Duration getMaximumBackoff() {
            return maximumBackoff;
        }

        /**
         * Sets the longest retry pause.
         *
         * @param maximumBackoff the pause
         */
        public void setMaximumBackoff(Duration maximumBackoff) {
            this.maximumBackoff = maximumBackoff;
        }

        /**
         * Returns the flush timeout.
         *
         * @return the timeout
         */
        public Duration getFlushTimeout() {
            return flushTimeout;
        }

        /**
         * Sets the flush timeout.
         *
         * @param flushTimeout the timeout
         */
        public void setFlushTimeout(Duration flushTimeout) {
            this.flushTimeout = flushTimeout;
        }

        /**
         * Returns the ledger's connection timeout.
         *
         * @return the timeout
         */
        public Duration getConnectionTimeout() {
            return connectionTimeout;
        }

        /**
         * Sets the ledger's connection timeout.
         *
         * @param connectionTimeout the timeout
         */
        public void setConnectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
        }
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

        /**
         * Returns whether Unleash is used.
         *
         * @return whether Unleash is used
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether Unleash is used.
         *
         * @param enabled whether Unleash is used
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * Returns the client API URL.
         *
         * @return the URL, or {@code null}
         */
        public String getUrl() {
            return url;
        }

        /**
         * Sets the client API URL.
         *
         * @param url the URL
         */
        public void setUrl(String url) {
            this.url = url;
        }

        /**
         * Returns the client token.
         *
         * @return the token, or {@code null}
         */
        public String getClientToken() {
            return clientToken;
        }

        /**
         * Sets the client token.
         *
         * @param clientToken the token
         */
        public void setClientToken(String clientToken) {
            this.clientToken = clientToken;
        }

        /**
         * Returns the application name.
         *
         * @return the name, or {@code null}
         */
        public String getAppName() {
            return appName;
        }

        /**
         * Sets the application name.
         *
         * @param appName the name
         */
        public void setAppName(String appName) {
            this.appName = appName;
        }

        /**
         * Returns the fetch interval.
         *
         * @return the interval
         */
        public Duration getFetchInterval() {
            return fetchInterval;
        }

        /**
         * Sets the fetch interval.
         *
         * @param fetchInterval the interval
         */
        public void setFetchInterval(Duration fetchInterval) {
            this.fetchInterval = fetchInterval;
        }

        /**
         * Returns whether toggles are fetched before start-up completes.
         *
         * @return whether toggles are fetched first
         */
        public boolean isSynchronousFetchOnInitialisation() {
            return synchronousFetchOnInitialisation;
        }

        /**
         * Sets whether toggles are fetched before start-up completes.
         *
         * @param synchronousFetchOnInitialisation whether toggles are fetched first
         */
        public void setSynchronousFetchOnInitialisation(boolean synchronousFetchOnInitialisation) {
            this.synchronousFetchOnInitialisation = synchronousFetchOnInitialisation;
        }

        /**
         * Returns the stickiness field.
         *
         * @return the field
         */
        public String getStickinessField() {
            return stickinessField;
        }

        /**
         * Sets the stickiness field.
         *
         * @param stickinessField the field
         */
        public void setStickinessField(String stickinessField) {
            this.stickinessField = stickinessField;
        }

        /**
         * Returns the decision cache size.
         *
         * @return the size
         */
        public long getCacheMaximumSize() {
            return cacheMaximumSize;
        }

        /**
         * Sets the decision cache size.
         *
         * @param cacheMaximumSize the size
         */
        public void setCacheMaximumSize(long cacheMaximumSize) {
            this.cacheMaximumSize = cacheMaximumSize;
        }

        /**
         * Returns the error log interval.
         *
         * @return the interval
         */
        public Duration getErrorLogInterval() {
            return errorLogInterval;
        }

        /**
         * Sets the error log interval.
         *
         * @param errorLogInterval the interval
         */
        public void setErrorLogInterval(Duration errorLogInterval) {
            this.errorLogInterval = errorLogInterval;
        }

        /**
         * Returns the kill switch settings.
         *
         * @return the kill switch settings
         */
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

        /**
         * Returns the admin URL.
         *
         * @return the URL, or {@code null}
         */
        public String getAdminUrl() {
            return adminUrl;
        }

        /**
         * Sets the admin URL.
         *
         * @param adminUrl the URL
         */
        public void setAdminUrl(String adminUrl) {
            this.adminUrl = adminUrl;
        }

        /**
         * Returns the admin token.
         *
         * @return the token, or {@code null}
         */
        public String getToken() {
            return token;
        }

        /**
         * Sets the admin token.
         *
         * @param token the token
         */
        public void setToken(String token) {
            this.token = token;
        }

        /**
         * Returns the project.
         *
         * @return the project
         */
        public String getProject() {
            return project;
        }

        /**
         * Sets the project.
         *
         * @param project the project
         */
        public void setProject(String project) {
            this.project = project;
        }

        /**
         * Returns the environment.
         *
         * @return the environment, or {@code null}
         */
        public String getEnvironment() {
            return environment;
        }

        /**
         * Sets the environment.
         *
         * @param environment the environment
         */
        public void setEnvironment(String environment) {
            this.environment = environment;
        }

        /**
         * Returns the request timeout.
         *
         * @return the timeout
         */
        public Duration getRequestTimeout() {
            return requestTimeout;
        }

        /**
         * Sets the request timeout.
         *
         * @param requestTimeout the timeout
         */
        public void setRequestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
        }

        /**
         * Returns the attempts per flag.
         *
         * @return the attempts
         */
        public int getMaxAttempts() {
            return maxAttempts;
        }

        /**
         * Sets the attempts per flag.
         *
         * @param maxAttempts the attempts
         */
        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        /**
         * Returns the first retry pause.
         *
         * @return the pause
         */
        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        /**
         * Sets the first retry pause.
         *
         * @param initialBackoff the pause
         */
        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        /**
         * Returns the longest retry pause.
         *
         * @return the pause
         */
        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        /**
         * Sets the longest retry pause.
         *
         * @param maxBackoff the pause
         */
        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }
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

        /**
         * Returns whether expand/contract is wired.
         *
         * @return whether it is wired
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether it is wired.
         *
         * @param enabled whether it is wired
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * Returns what the lint does.
         *
         * @return what the lint does
         */
        public Lint getLint() {
            return lint;
        }

        /**
         * Sets what the lint does.
         *
         * @param lint what the lint does
         */
        public void setLint(Lint lint) {
            this.lint = lint;
        }

        /**
         * Returns the bake time.
         *
         * @return the bake time
         */
        public Duration getBakeTime() {
            return bakeTime;
        }

        /**
         * Sets the bake time.
         *
         * @param bakeTime the bake time
         */
        public void setBakeTime(Duration bakeTime) {
            this.bakeTime = bakeTime;
        }

        /**
         * Returns the instance timeout.
         *
         * @return the timeout
         */
        public Duration getInstanceTimeout() {
            return instanceTimeout;
        }

        /**
         * Sets the timeout.
         *
         * @param instanceTimeout the timeout
         */
        public void setInstanceTimeout(Duration instanceTimeout) {
            this.instanceTimeout = instanceTimeout;
        }

        /**
         * Returns the backfill batch size.
         *
         * @return the batch size
         */
        public int getBackfillBatchSize() {
            return backfillBatchSize;
        }

        /**
         * Sets the batch size.
         *
         * @param backfillBatchSize the batch size
         */
        public void setBackfillBatchSize(int backfillBatchSize) {
            this.backfillBatchSize = backfillBatchSize;
        }

        /**
         * Returns the backfill pause.
         *
         * @return the pause
         */
        public Duration getBackfillPause() {
            return backfillPause;
        }

        /**
         * Sets the pause.
         *
         * @param backfillPause the pause
         */
        public void setBackfillPause(Duration backfillPause) {
            this.backfillPause = backfillPause;
        }

        /**
         * Returns the lock timeout.
         *
         * @return the timeout
         */
        public Duration getLockTimeout() {
            return lockTimeout;
        }

        /**
         * Sets the timeout.
         *
         * @param lockTimeout the timeout
         */
        public void setLockTimeout(Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }

        /**
         * Returns the lock retries.
         *
         * @return the retries
         */
        public int getLockRetries() {
            return lockRetries;
        }

        /**
         * Sets the retries.
         *
         * @param lockRetries the retries
         */
        public void setLockRetries(int lockRetries) {
            this.lockRetries = lockRetries;
        }

        /**
         * Returns the version schema that overrides the one found from the change log.
         *
         * @return the schema, or null to find it from the change log
         */
        public String getSearchPath() {
            return searchPath;
        }

        /**
         * Sets the version schema that overrides the one found from the change log.
         *
         * @param searchPath the schema, or null to find it from the change log
         */
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

    /** The rollback actuator endpoint. */
    public static class Endpoint {

        /** Whether the endpoint may contract or roll back the schema migrations; needs write access to the endpoint as well. */
        private boolean schemaWrites = false;

        /** How often the endpoint reads the migrations' phases from the database, off the request path. */
        private Duration migrationStatusRefresh = Duration.ofSeconds(10);

        /**
         * Returns whether the endpoint may change the schema.
         *
         * @return whether contract and rollback-migrations are allowed
         */
        public boolean isSchemaWrites() {
            return schemaWrites;
        }

        /**
         * Sets whether the endpoint may change the schema.
         *
         * @param schemaWrites whether contract and rollback-migrations are allowed
         */
        public void setSchemaWrites(boolean schemaWrites) {
            this.schemaWrites = schemaWrites;
        }

        /**
         * Returns how often the migration status is read.
         *
         * @return the interval
         */
        public Duration getMigrationStatusRefresh() {
            return migrationStatusRefresh;
        }

        /**
         * Sets how often the migration status is read.
         *
         * @param migrationStatusRefresh the interval
         */
        public void setMigrationStatusRefresh(Duration migrationStatusRefresh) {
            this.migrationStatusRefresh = migrationStatusRefresh;
        }
    }
}
