package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.flags.UnleashFlagSource;
import dev.rollback.flags.UnleashKillSwitchConfig;
import dev.rollback.liquibase.ExpandContract;
import dev.rollback.spring.actuate.MigrationStatusCache;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The literal defaults of {@code rollback.*} (literals, so that the metadata processor can read them)
 * equal the library's {@code DEFAULT_*} constants, in the classes and in the generated metadata.
 */
class RollbackPropertiesTest {

    private final RollbackProperties properties = new RollbackProperties();

    @Test
    void guardDefaultsEqualTheCoreConstants() {
        RollbackProperties.Guard guard = properties.getGuard();
        assertThat(guard.getSignificanceLevel()).isEqualTo(GuardConfig.DEFAULT_SIGNIFICANCE_LEVEL);
        assertThat(guard.getErrorRateTolerance()).isEqualTo(GuardConfig.DEFAULT_ERROR_RATE_TOLERANCE);
        assertThat(guard.getLatencyTolerance()).isEqualTo(GuardConfig.DEFAULT_LATENCY_TOLERANCE);
        assertThat(guard.getLatencyResolution()).isEqualTo(GuardConfig.DEFAULT_LATENCY_RESOLUTION);
        assertThat(guard.getMinimumSamples()).isEqualTo(GuardConfig.DEFAULT_MINIMUM_SAMPLES);
        assertThat(guard.getMaximumErrorRate()).isEqualTo(GuardConfig.DEFAULT_MAXIMUM_ERROR_RATE);
        assertThat(guard.getMaximumLatency()).isEqualTo(GuardConfig.DEFAULT_MAXIMUM_LATENCY);
        assertThat(guard.getMaximumLatencyQuantile()).isEqualTo(GuardConfig.DEFAULT_MAXIMUM_LATENCY_QUANTILE);
        assertThat(guard.getHoldback()).isEqualTo(GuardConfig.DEFAULT_HOLDBACK);
        assertThat(guard.getFlagErrorLogInterval()).isEqualTo(GuardConfig.DEFAULT_FLAG_ERROR_LOG_INTERVAL);
    }

    @Test
    void guardDefaultsBuildTheCoreDefaultConfiguration() {
        GuardConfig config = GuardConfigMapping.defaults(properties);

        assertThat(config).isEqualTo(GuardConfig.ofDefaults());
    }

    @Test
    void ledgerAndHeartbeatDefaultsEqualTheRegistryConstants() {
        RollbackProperties.Ledger ledger = properties.getLedger();
        assertThat(ledger.getQueueCapacity()).isEqualTo(RollbackRegistry.Builder.DEFAULT_LEDGER_QUEUE_CAPACITY);
        assertThat(ledger.getInitialBackoff()).isEqualTo(RollbackRegistry.Builder.DEFAULT_LEDGER_INITIAL_BACKOFF);
        assertThat(ledger.getMaximumBackoff()).isEqualTo(RollbackRegistry.Builder.DEFAULT_LEDGER_MAXIMUM_BACKOFF);
        assertThat(ledger.getFlushTimeout()).isEqualTo(RollbackRegistry.Builder.DEFAULT_LEDGER_FLUSH_TIMEOUT);
        assertThat(ledger.getConnectionTimeout()).isEqualTo(LedgerDataSource.DEFAULT_CONNECTION_TIMEOUT);
        assertThat(properties.getHeartbeatInterval()).isEqualTo(RollbackRegistry.Builder.DEFAULT_HEARTBEAT_INTERVAL);
    }

    @Test
    void endpointDefaultsKeepSchemaWritesOffAndEqualTheCacheConstant() {
        assertThat(properties.getEndpoint().isSchemaWrites()).isFalse();
        assertThat(properties.getEndpoint().getMigrationStatusRefresh()).isEqualTo(MigrationStatusCache.DEFAULT_REFRESH);
    }

    @Test
    void unleashDefaultsEqualTheFlagsConstants() {
        RollbackProperties.Unleash unleash = properties.getUnleash();
        assertThat(unleash.getStickinessField()).isEqualTo(UnleashFlagSource.DEFAULT_STICKINESS_FIELD);
        assertThat(unleash.getCacheMaximumSize()).isEqualTo(UnleashFlagSource.DEFAULT_CACHE_MAXIMUM_SIZE);
        assertThat(unleash.getErrorLogInterval()).isEqualTo(UnleashFlagSource.DEFAULT_ERROR_LOG_INTERVAL);
        RollbackProperties.KillSwitch killSwitch = unleash.getKillSwitch();
        assertThat(killSwitch.getProject()).isEqualTo(UnleashKillSwitchConfig.DEFAULT_PROJECT);
        assertThat(killSwitch.getRequestTimeout()).isEqualTo(UnleashKillSwitchConfig.DEFAULT_REQUEST_TIMEOUT);
        assertThat(killSwitch.getMaxAttempts()).isEqualTo(UnleashKillSwitchConfig.DEFAULT_MAX_ATTEMPTS);
        assertThat(killSwitch.getInitialBackoff()).isEqualTo(UnleashKillSwitchConfig.DEFAULT_INITIAL_BACKOFF);
        assertThat(killSwitch.getMaxBackoff()).isEqualTo(UnleashKillSwitchConfig.DEFAULT_MAX_BACKOFF);
    }

    @Test
    void liquibaseDefaultsEqualTheExpandContractConstants() {
        RollbackProperties.Liquibase liquibase = properties.getLiquibase();
        assertThat(liquibase.getLint().name()).isEqualTo(ExpandContract.DEFAULT_LINT.name());
        assertThat(liquibase.getBakeTime()).isEqualTo(ExpandContract.DEFAULT_BAKE_TIME);
        assertThat(liquibase.getInstanceTimeout()).isEqualTo(ExpandContract.DEFAULT_INSTANCE_TIMEOUT);
        assertThat(liquibase.getBackfillBatchSize()).isEqualTo(ExpandContract.DEFAULT_BACKFILL_BATCH_SIZE);
        assertThat(liquibase.getBackfillPause()).isEqualTo(ExpandContract.DEFAULT_BACKFILL_PAUSE);
        assertThat(liquibase.getLockTimeout()).isEqualTo(ExpandContract.DEFAULT_LOCK_TIMEOUT);
        assertThat(liquibase.getLockRetries()).isEqualTo(ExpandContract.DEFAULT_LOCK_RETRIES);
    }

    @Test
    void generatedMetadataCarriesEveryDefaultAndADescription() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("metadata generated by spring-boot-configuration-processor").isNotNull();
            metadata = JsonMapper.builder().build().readTree(in);
        }
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode property : metadata.path("properties")) {
            byName.put(property.path("name").asString(), property);
            if (property.path("name").asString().startsWith("rollback.")) {
                assertThat(property.path("description").asString()).as(property.path("name").asString())
                        .isNotBlank()
                        .doesNotStartWith("The ");
            }
        }
        assertThat(byName.get("rollback.guard.significance-level").path("defaultValue").asDouble())
                .isEqualTo(GuardConfig.DEFAULT_SIGNIFICANCE_LEVEL);
        assertThat(byName.get("rollback.guard.minimum-samples").path("defaultValue").asInt())
                .isEqualTo(GuardConfig.DEFAULT_MINIMUM_SAMPLES);
        assertThat(byName.get("rollback.guard.latency-resolution").path("defaultValue").asString()).isEqualTo("1ms");
        assertThat(byName.get("rollback.guard.flag-error-log-interval").path("defaultValue").asString())
                .isEqualTo("1m");
        assertThat(byName.get("rollback.ledger.queue-capacity").path("defaultValue").asInt())
                .isEqualTo(RollbackRegistry.Builder.DEFAULT_LEDGER_QUEUE_CAPACITY);
        assertThat(byName.get("rollback.enabled").path("defaultValue").asBoolean()).isTrue();
        assertThat(byName.get("rollback.liquibase.bake-time").path("defaultValue").asString()).isEqualTo("15m");
        assertThat(byName.get("rollback.liquibase.backfill-batch-size").path("defaultValue").asInt())
                .isEqualTo(ExpandContract.DEFAULT_BACKFILL_BATCH_SIZE);
        assertThat(byName).containsKey("rollback.features");
    }
}
