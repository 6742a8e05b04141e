package dev.rollback.spring.autoconfigure;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.spring.FeatureRollouts;
import dev.rollback.spring.actuate.MigrationStatusCache;
import dev.rollback.spring.actuate.RollbackEndpoint;
import dev.rollback.spring.actuate.RollbackHealthIndicator;
import dev.rollback.spring.actuate.RollbackHistory;
import dev.rollback.spring.actuate.RollbackMigrations;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code rollback} actuator endpoint and health indicator, when the
 * actuator is on the class path and a {@link RollbackRegistry} exists.
 */
@AutoConfiguration(after = {RollbackAutoConfiguration.class, RollbackLiquibaseAutoConfiguration.class})
@ConditionalOnClass({RollbackRegistry.class, Endpoint.class})
@ConditionalOnBean(RollbackRegistry.class)
public final class RollbackActuatorAutoConfiguration {

    /**
     * The last rollback of each feature, for the endpoint.
     *
     * @param registry the registry
     * @return the history
     */
    @Bean
    @ConditionalOnMissingBean
    RollbackHistory rollbackHistory(RollbackRegistry registry) {
        return new RollbackHistory(registry);
    }

    /**
     * The {@code rollback} endpoint.
     *
     * @param registry   the registry
     * @param rollouts   each feature's rollout
     * @param history    the last rollbacks
     * @param migrations the schema migrations' status, if there are migrations
     * @param properties for {@code rollback.endpoint.schema-writes}
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(RollbackEndpoint.class)
    RollbackEndpoint rollbackEndpoint(RollbackRegistry registry, FeatureRollouts rollouts, RollbackHistory history,
                                      ObjectProvider<MigrationStatusCache> migrations,
                                      RollbackProperties properties) {
        return new RollbackEndpoint(registry, rollouts, history, migrations.getIfAvailable(),
                properties.getEndpoint().isSchemaWrites());
    }

    /**
     * The migrations' status for the endpoint, read off the request path every
     * {@code rollback.endpoint.migration-status-refresh}; closed with the context.
     *
     * @param migrations the schema migrations
     * @param registry   for its clock
     * @param properties for the refresh interval
     * @return the cache
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(RollbackMigrations.class)
    @ConditionalOnAvailableEndpoint(RollbackEndpoint.class)
    MigrationStatusCache rollbackMigrationStatusCache(RollbackMigrations migrations, RollbackRegistry registry,
                                                      RollbackProperties properties) {
        Duration refresh = properties.getEndpoint().getMigrationStatusRefresh();
        return PropertyTranslator.check("rollback.endpoint.migration-status-refresh", refresh,
                () -> new MigrationStatusCache(migrations, refresh, registry.meterRegistry().config().clock()));
    }

    /** The health indicator, when Boot's health support is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("rollback")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RollbackHealthIndicator rollbackHealthIndicator(RollbackRegistry registry) {
            return new RollbackHealthIndicator(registry);
        }
    }
}
