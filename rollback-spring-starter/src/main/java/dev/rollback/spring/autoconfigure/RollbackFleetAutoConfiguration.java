package dev.rollback.spring.autoconfigure;

import static dev.rollback.spring.autoconfigure.PropertyTranslator.checked;

import dev.rollback.core.RollbackFleet;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.fleet.Fleet;
import dev.rollback.core.fleet.FleetConfig;
import dev.rollback.core.fleet.FleetStore;
import dev.rollback.core.ledger.JdbcFleetStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Fleet evidence ({@code rollback.fleet.*}): when the ledger is on the application's
 * {@link javax.sql.DataSource}, this instance publishes its judges' statistics to the ledger's
 * database every {@code rollback.fleet.publish-interval} and judges the pooled statistics of every
 * live instance of the service; a fleet verdict rolls the feature back on every instance (through the
 * flag source: the Unleash kill switch when configured) and is recorded once in the ledger. See
 * {@link dev.rollback.core.fleet}.
 */
@AutoConfiguration(after = RollbackAutoConfiguration.class)
@ConditionalOnClass({Fleet.class, RollbackRegistry.class})
@ConditionalOnBooleanProperty(name = {"rollback.enabled", "rollback.fleet.enabled"}, matchIfMissing = true)
@ConditionalOnBean({LedgerDataSource.class, RollbackRegistry.class})
@EnableConfigurationProperties(RollbackProperties.class)
public final class RollbackFleetAutoConfiguration {


    /**
     * The fleet's store: the ledger's database, on the ledger's own connections.
     *
     * @param dataSource the ledger's data source
     * @return the store
     */
    @Bean
    @ConditionalOnMissingBean
    FleetStore rollbackFleetStore(LedgerDataSource dataSource) {
        return new JdbcFleetStore(dataSource.dataSource());
    }

    /**
     * The fleet settings from {@code rollback.fleet.*}.
     *
     * @param properties the properties
     * @return the settings
     * @throws InvalidRollbackPropertyException naming the property and value that are refused
     */
    @Bean
    @ConditionalOnMissingBean
    FleetConfig rollbackFleetConfig(RollbackProperties properties) {
        RollbackProperties.Fleet fleet = properties.getFleet();
        FleetConfig.Builder builder = FleetConfig.custom();
        checked("rollback.fleet.publish-interval", builder::publishInterval).accept(fleet.getPublishInterval());
        checked("rollback.fleet.stale-after", builder::staleAfter).accept(fleet.getStaleAfter());
        checked("rollback.fleet.maximum-pending-blocks", builder::maximumPendingBlocks).accept(fleet.getMaximumPendingBlocks());
        return PropertyTranslator.check("rollback.fleet.stale-after", fleet.getStaleAfter(), builder::build);
    }

    /**
     * This instance's part in the fleet judge, with its thread; closed with the context.
     *
     * @param registry the registry
     * @param store    the store
     * @param config   the settings
     * @return the fleet member
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Fleet rollbackFleet(RollbackRegistry registry, FleetStore store, FleetConfig config) {
        return RollbackFleet.join(registry, store, config);
    }
}
