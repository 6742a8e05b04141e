package dev.rollback.spring.autoconfigure;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.spring.RollbackGuards;
import dev.rollback.spring.actuate.RollbackEndpoint;
import dev.rollback.spring.actuate.RollbackHealthIndicator;
import dev.rollback.spring.actuate.RollbackHistory;
import dev.rollback.spring.actuate.RollbackMigrations;
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
@ConditionalOnBean(RollbackGuards.class)
public final class RollbackActuatorAutoConfiguration {

    /** Creates the auto-configuration; Spring Boot does. */
    public RollbackActuatorAutoConfiguration() {
    }

    /**
     * The last rollback of each feature, for the endpoint.
     *
     * @param registry the registry
     * @return the history
     */
    @Bean
    @ConditionalOnMissingBean
    public RollbackHistory rollbackHistory(RollbackRegistry registry) {
        return new RollbackHistory(registry);
    }

    /**
     * The {@code rollback} endpoint.
     *
     * @param guards     the guards
     * @param history    the last rollbacks
     * @param migrations the schema migrations, if any
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(RollbackEndpoint.class)
    public RollbackEndpoint rollbackEndpoint(RollbackGuards guards, RollbackHistory history,
                                             ObjectProvider<RollbackMigrations> migrations) {
        return new RollbackEndpoint(guards, history, migrations.getIfAvailable());
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
