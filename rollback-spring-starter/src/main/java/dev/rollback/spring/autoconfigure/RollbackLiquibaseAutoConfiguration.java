package dev.rollback.spring.autoconfigure;

import static dev.rollback.spring.autoconfigure.PropertyTranslator.checked;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.liquibase.ExpandContract;
import dev.rollback.liquibase.LintMode;
import dev.rollback.liquibase.VersionSchema;
import dev.rollback.spring.actuate.RollbackMigrations;
import java.util.List;
import javax.sql.DataSource;
import liquibase.integration.spring.SpringLiquibase;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of expand/contract schema migrations, when rollback-liquibase and Spring's
 * Liquibase integration are on the class path and Spring Boot's Liquibase auto-configuration runs a
 * change log ({@code spring.liquibase.change-log}).
 *
 * <p>Spring's own Liquibase update stays what runs the change log at start-up, so the expand step
 * of every expand/contract change runs like any change; before it runs, the safety lint checks the
 * change sets not yet run ({@code rollback.liquibase.lint}) and the change log parameters
 * {@code rollback.*} carry the backfill and lock settings and the service version (parameters the
 * application sets itself in {@code spring.liquibase.parameters} win). Contract and rollback are
 * explicit: the {@link ExpandContract} bean, or the {@code rollback} endpoint's write operation.
 * Contract and rollback use the application's {@link DataSource}, not a separate
 * {@code spring.liquibase.url}.
 */
@AutoConfiguration(after = RollbackAutoConfiguration.class,
        afterName = "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration")
@ConditionalOnClass({ExpandContract.class, SpringLiquibase.class, LiquibaseProperties.class, RollbackRegistry.class})
@ConditionalOnBooleanProperty(name = "rollback.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "rollback.liquibase.enabled", matchIfMissing = true)
@ConditionalOnBean(RollbackRegistry.class)
@ConditionalOnSingleCandidate(SpringLiquibase.class)
public final class RollbackLiquibaseAutoConfiguration {

    /**
     * The migrations of the change log Spring's Liquibase runs, on the application's data source,
     * with the registry's ledger (whose live instances block a contract) and service.
     *
     * @param liquibase  Spring's Liquibase settings, for the change log
     * @param dataSource the application's data source
     * @param registry   the registry, for its ledger, service and meters
     * @param properties the properties
     * @return the migrations
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(LiquibaseProperties.class)
    @ConditionalOnSingleCandidate(DataSource.class)
    ExpandContract rollbackExpandContract(LiquibaseProperties liquibase, DataSource dataSource,
                                          RollbackRegistry registry, RollbackProperties properties) {
        RollbackProperties.Liquibase settings = properties.getLiquibase();
        ExpandContract.Builder builder = ExpandContract.builder(VersionSchemaDataSource.physical(dataSource),
                        ExpandContractLiquibasePostProcessor.classpathPath(liquibase.getChangeLog()))
                .ledger(registry.ledger())
                .serviceName(registry.service())
                .serviceVersion(registry.version())
                .meterRegistry(registry.meterRegistry())
                .lint(LintMode.valueOf(settings.getLint().name()));
        PropertyMapper map = PropertyMapper.get();
        map.from(settings::getBakeTime).to(checked("rollback.liquibase.bake-time", builder::bakeTime));
        map.from(settings::getInstanceTimeout)
                .to(checked("rollback.liquibase.instance-timeout", builder::instanceTimeout));
        map.from(settings::getBackfillBatchSize)
                .to(checked("rollback.liquibase.backfill-batch-size", builder::backfillBatchSize));
        map.from(settings::getBackfillPause).to(checked("rollback.liquibase.backfill-pause", builder::backfillPause));
        map.from(settings::getLockTimeout).to(checked("rollback.liquibase.lock-timeout", builder::lockTimeout));
        map.from(settings::getLockRetries).to(checked("rollback.liquibase.lock-retries", builder::lockRetries));
        return builder.build();
    }

    /**
     * The migrations as the {@code rollback} endpoint shows and acts on them.
     *
     * @param migrations the migrations
     * @return the endpoint's view of them
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ExpandContract.class)
    RollbackMigrations rollbackMigrations(ExpandContract migrations) {
        return new LiquibaseRollbackMigrations(migrations);
    }

    /**
     * Puts the application's connections on its version's schema (see {@link VersionSchemaDataSource}):
     * the version schema of the last change set of {@code spring.liquibase.change-log} that has one,
     * or the schema {@code rollback.liquibase.search-path} names. Static, as a post-processor must be.
     *
     * @param liquibase   Spring's Liquibase settings, for the change log, looked up at the first connection
     * @param environment the environment, for {@code rollback.liquibase.search-path}
     * @return the post-processor
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static BeanPostProcessor rollbackVersionSchemaDataSourcePostProcessor(
            ObjectProvider<LiquibaseProperties> liquibase, Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof DataSource dataSource && !(bean instanceof VersionSchemaDataSource)) {
                    return new VersionSchemaDataSource(dataSource, () -> {
                        LiquibaseProperties settings = liquibase.getIfAvailable();
                        return settings == null ? List.of() : VersionSchema.changeSetIds(
                                ExpandContractLiquibasePostProcessor.classpathPath(settings.getChangeLog()));
                    }, environment.getProperty("rollback.liquibase.search-path"));
                }
                return bean;
            }
        };
    }

    /**
     * Lints and configures Spring's Liquibase before its update runs. Static, as a post-processor
     * must be; it finds the beans it needs when Spring's Liquibase is initialised.
     *
     * @param migrations  the migrations
     * @param registry    the registry, for the service version
     * @param properties  the properties
     * @return the post-processor
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static ExpandContractLiquibasePostProcessor rollbackExpandContractLiquibasePostProcessor(
            ObjectProvider<ExpandContract> migrations, ObjectProvider<RollbackRegistry> registry,
            ObjectProvider<RollbackProperties> properties) {
        return new ExpandContractLiquibasePostProcessor(migrations, registry, properties);
    }
}
