package dev.rollback.spring.autoconfigure;

import static dev.rollback.spring.autoconfigure.PropertyTranslator.checked;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.spring.FeatureRollouts;
import dev.rollback.spring.RollbackKeyResolver;
import dev.rollback.spring.aop.RollbackableBeanPostProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the rollback registry and {@code @Rollbackable}: the registry on Boot's
 * {@link MeterRegistry}, the flag source ({@code rollback.*} rollout shares, or Unleash through
 * {@link RollbackUnleashAutoConfiguration}), the ledger (JDBC on the application's single
 * {@link DataSource}, in memory otherwise), each feature's guard configuration
 * ({@code rollback.features.<name>.*} on top of {@code rollback.guard.*}) and the proxying of
 * {@code @Rollbackable} beans. Each bean can be replaced by one of the application's own;
 * {@code rollback.enabled=false} turns it all off.
 *
 * <p>Expand/contract schema changes are wired by {@link RollbackLiquibaseAutoConfiguration}. An
 * application whose Liquibase change log includes the ledger's tables
 * ({@code dev/rollback/liquibase/ledger-changelog.xml}) sets {@code rollback.ledger.initialize-schema=false}.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(RollbackRegistry.class)
@ConditionalOnBooleanProperty(name = "rollback.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RollbackProperties.class)
public final class RollbackAutoConfiguration {

    /**
     * The flag source when no flag service is configured: the rollout shares of {@code rollback.*}.
     *
     * @param properties the properties
     * @return the flag source
     */
    @Bean
    @ConditionalOnMissingBean
    FlagSource rollbackFlagSource(RollbackProperties properties) {
        return new PropertiesFlagSource(properties);
    }

    /**
     * The configuration of features without their own: {@code rollback.guard.*}.
     *
     * @param properties the properties
     * @return the configuration
     */
    @Bean
    @ConditionalOnMissingBean
    GuardConfig rollbackGuardConfig(RollbackProperties properties) {
        return GuardConfigMapping.defaults(properties);
    }

    /**
     * The ledger when the application has no single {@link DataSource}: in memory.
     *
     * @return the ledger
     */
    @Bean
    @ConditionalOnMissingBean
    RollbackLedger rollbackLedger() {
        return new InMemoryRollbackLedger();
    }

    /**
     * The registry, closed with the context (which flushes the ledger and records the end of the
     * deployment).
     *
     * @param properties     the properties
     * @param environment    for {@code spring.application.name} and {@code .version}
     * @param meterRegistry  Boot's meter registry, if any
     * @param build          the build info, if any
     * @param flagSource     the flag source
     * @param ledger         the ledger
     * @param guardConfig    the default guard configuration, to which each feature's own settings are applied
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean
    RollbackRegistry rollbackRegistry(RollbackProperties properties, Environment environment,
                                      ObjectProvider<MeterRegistry> meterRegistry,
                                      ObjectProvider<BuildProperties> build, FlagSource flagSource,
                                      RollbackLedger ledger, GuardConfig guardConfig) {
        RollbackProperties.Service service = properties.getService();
        String name = firstText(service.getName(), environment.getProperty("spring.application.name"),
                RollbackRegistry.Builder.DEFAULT_SERVICE_NAME);
        BuildProperties buildProperties = build.getIfAvailable();
        // spring.application.version is Boot's reading of the main class's jar manifest (Implementation-Version).
        String version = firstText(buildProperties == null ? null : buildProperties.getVersion(), service.getVersion(),
                environment.getProperty("spring.application.version"), RollbackRegistry.Builder.DEFAULT_SERVICE_VERSION);
        RollbackProperties.Ledger ledgerProperties = properties.getLedger();
        RollbackRegistry.Builder builder = RollbackRegistry.builder()
                .service(name, version)
                .flagSource(flagSource)
                .ledger(ledger)
                .defaultGuardConfig(guardConfig);
        meterRegistry.ifAvailable(builder::meterRegistry);
        GuardConfigMapping.features(builder, guardConfig, properties);
        PropertyMapper map = PropertyMapper.get();
        map.from(service::getInstanceId).to(checked("rollback.service.instance-id", builder::instanceId));
        map.from(ledgerProperties::getQueueCapacity)
                .to(checked("rollback.ledger.queue-capacity", builder::ledgerQueueCapacity));
        map.from(ledgerProperties::getInitialBackoff).to(checked("rollback.ledger.initial-backoff",
                initial -> builder.ledgerRetryBackoff(initial, ledgerProperties.getMaximumBackoff())));
        map.from(ledgerProperties::getFlushTimeout)
                .to(checked("rollback.ledger.flush-timeout", builder::ledgerFlushTimeout));
        map.from(properties::getHeartbeatInterval)
                .to(checked("rollback.heartbeat-interval", builder::heartbeatInterval));
        return builder.build();
    }

    /**
     * Each feature's rollout: the {@code rollback.*} shares, or what the flag source decides.
     *
     * @param flagSource the flag source
     * @return the rollouts
     */
    @Bean
    @ConditionalOnMissingBean
    FeatureRollouts rollbackFeatureRollouts(FlagSource flagSource) {
        return flagSource instanceof PropertiesFlagSource shares
                ? shares::rollout
                : FeatureRollouts.decidedBy(flagSource.getClass().getSimpleName());
    }

    /**
     * Checks the features once every bean is created, and logs each feature's rollout
     * ({@link FeatureStartupCheck}).
     *
     * @param properties     the properties
     * @param postProcessor  the proxying, which knows the {@code @Rollbackable} features
     * @param rollouts       each feature's rollout
     * @param keyResolver    the application's key resolver, if any
     * @param beanFactory    the beans
     * @return the check
     */
    @Bean
    @ConditionalOnMissingBean
    FeatureStartupCheck rollbackFeatureStartupCheck(RollbackProperties properties,
                                                    ObjectProvider<RollbackableBeanPostProcessor> postProcessor,
                                                    ObjectProvider<FeatureRollouts> rollouts,
                                                    ObjectProvider<RollbackKeyResolver> keyResolver,
                                                    ListableBeanFactory beanFactory) {
        return new FeatureStartupCheck(properties, postProcessor, rollouts, keyResolver, beanFactory);
    }

    /**
     * Proxies the beans with {@code @Rollbackable} methods. Static, as a post-processor must be, so it
     * reads its one setting from the environment and finds the rest when first needed.
     *
     * @param registry    the registry of the features' guards
     * @param keyResolver the application's key resolver, if any
     * @param environment for {@code rollback.reject-self-invocation}
     * @return the post-processor
     */
    @Bean
    @ConditionalOnMissingBean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static RollbackableBeanPostProcessor rollbackableBeanPostProcessor(ObjectProvider<RollbackRegistry> registry,
                                                                       ObjectProvider<RollbackKeyResolver> keyResolver,
                                                                       Environment environment) {
        return new RollbackableBeanPostProcessor(registry, keyResolver,
                environment.getProperty("rollback.reject-self-invocation", Boolean.class, true));
    }

    private static String firstText(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        throw new IllegalStateException("no default");
    }

    /**
     * The check of the {@code rollback.*} properties as a whole ({@link RollbackPropertiesCheck}),
     * made whatever beans the application supplies of its own.
     */
    @Configuration(proxyBeanMethods = false)
    static class PropertiesCheckConfiguration implements InitializingBean {

        private final Environment environment;
        private final RollbackProperties properties;

        PropertiesCheckConfiguration(Environment environment, RollbackProperties properties) {
            this.environment = environment;
            this.properties = properties;
        }

        @Override
        public void afterPropertiesSet() {
            RollbackPropertiesCheck.check(environment, properties);
        }
    }

    /** The ledger on the application's {@link DataSource}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(DataSource.class)
    static class JdbcLedgerConfiguration {

        @Bean
        @ConditionalOnMissingBean(RollbackLedger.class)
        LedgerDataSource rollbackLedgerDataSource(DataSource dataSource, RollbackProperties properties) {
            Duration timeout = properties.getLedger().getConnectionTimeout();
            PropertyTranslator.check("rollback.ledger.connection-timeout", timeout, () -> {
                if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                    throw new IllegalArgumentException("the ledger's connection timeout must be positive");
                }
                return timeout;
            });
            return LedgerDataSource.derivedFrom(dataSource, timeout);
        }

        @Bean
        @ConditionalOnMissingBean
        RollbackLedger rollbackJdbcLedger(LedgerDataSource dataSource, RollbackProperties properties) {
            JdbcRollbackLedger ledger = new JdbcRollbackLedger(dataSource.dataSource());
            if (properties.getLedger().isInitializeSchema()) {
                ledger.createSchema();
            }
            return ledger;
        }
    }
}
