package dev.rollback.spring.autoconfigure;

import static dev.rollback.spring.autoconfigure.PropertyTranslator.checked;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.flags.UnleashFlagSource;
import dev.rollback.flags.UnleashFlagSubscriber;
import dev.rollback.flags.UnleashKillSwitch;
import dev.rollback.flags.UnleashKillSwitchConfig;
import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.util.UnleashConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of Unleash as the flag source, when rollback-flags and the Unleash client are on
 * the class path: on the application's {@link Unleash} bean, or on a client made from
 * {@code rollback.unleash.url}; plus the fleet-wide {@link UnleashKillSwitch} when
 * {@code rollback.unleash.kill-switch.token} is set.
 *
 * <p>The flag source learns of changed toggles through an {@link UnleashFlagSubscriber} that must be
 * the Unleash client's subscriber. The client made here gets it; an application that makes its own
 * client must also expose the subscriber it passed to {@code UnleashConfig.builder().subscriber(...)}
 * as a bean, and the start-up fails with that advice when it does not.
 */
@AutoConfiguration(before = RollbackAutoConfiguration.class)
@ConditionalOnClass({UnleashFlagSource.class, Unleash.class, RollbackRegistry.class})
@ConditionalOnBooleanProperty(name = {"rollback.enabled", "rollback.unleash.enabled"}, matchIfMissing = true)
@EnableConfigurationProperties(RollbackProperties.class)
public final class RollbackUnleashAutoConfiguration {

    /**
     * The Unleash flag source on the application's (or the starter's) client.
     *
     * @param unleash    the client
     * @param subscriber the client's subscriber
     * @param properties the properties
     * @return the flag source
     */
    @Bean
    @ConditionalOnMissingBean(FlagSource.class)
    @ConditionalOnBean(Unleash.class)
    FlagSource rollbackUnleashFlagSource(Unleash unleash, ObjectProvider<UnleashFlagSubscriber> subscriber,
                                         RollbackProperties properties) {
        UnleashFlagSubscriber flagSubscriber = subscriber.getIfAvailable();
        if (flagSubscriber == null) {
            throw new InvalidRollbackPropertyException("rollback.unleash.enabled", true,
                    "the application has an Unleash bean but no UnleashFlagSubscriber bean, so the flag source"
                            + " would never hear of changed toggles. Create an UnleashFlagSubscriber, pass it to"
                            + " UnleashConfig.builder().subscriber(...) and expose it as a bean; or set"
                            + " rollback.unleash.enabled=false to leave Unleash out", null);
        }
        RollbackProperties.Unleash settings = properties.getUnleash();
        UnleashFlagSource.Builder builder = UnleashFlagSource.builder(unleash, flagSubscriber);
        PropertyMapper map = PropertyMapper.get();
        map.from(settings::getStickinessField)
                .to(checked("rollback.unleash.stickiness-field", builder::stickinessField));
        map.from(settings::getCacheMaximumSize)
                .to(checked("rollback.unleash.cache-maximum-size", builder::cacheMaximumSize));
        map.from(settings::getErrorLogInterval)
                .to(checked("rollback.unleash.error-log-interval", builder::errorLogInterval));
        return builder.build();
    }

    /**
     * The fleet-wide kill switch, attached to the registry: a feature rolled back here is turned off
     * in Unleash for every instance.
     *
     * @param properties  the properties
     * @param registry    the registry
     * @return the kill switch, closed with the context
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(Unleash.class)
    @ConditionalOnProperty("rollback.unleash.kill-switch.token")
    UnleashKillSwitch rollbackUnleashKillSwitch(RollbackProperties properties, RollbackRegistry registry) {
        RollbackProperties.KillSwitch settings = properties.getUnleash().getKillSwitch();
        String prefix = "rollback.unleash.kill-switch.";
        UnleashKillSwitchConfig.Builder config = UnleashKillSwitchConfig.custom();
        String adminUrl = settings.getAdminUrl() != null ? settings.getAdminUrl() : adminUrlOf(properties);
        PropertyTranslator.check(prefix + "admin-url", adminUrl, () -> config.adminUrl(adminUrl));
        PropertyTranslator.check(prefix + "token", "(hidden)", () -> config.token(settings.getToken()));
        PropertyTranslator.check(prefix + "project", settings.getProject(), () -> config.project(settings.getProject()));
        PropertyTranslator.check(prefix + "environment", settings.getEnvironment(),
                () -> config.environment(settings.getEnvironment()));
        PropertyTranslator.check(prefix + "request-timeout", settings.getRequestTimeout(),
                () -> config.requestTimeout(settings.getRequestTimeout()));
        PropertyTranslator.check(prefix + "max-attempts", settings.getMaxAttempts(),
                () -> config.maxAttempts(settings.getMaxAttempts()));
        PropertyTranslator.check(prefix + "initial-backoff", settings.getInitialBackoff(),
                () -> config.backoff(settings.getInitialBackoff(), settings.getMaxBackoff()));
        return new UnleashKillSwitch(config.build()).attachTo(registry);
    }

    /** The client API URL without its {@code /api}, which is where the admin API is too. */
    private static String adminUrlOf(RollbackProperties properties) {
        String url = properties.getUnleash().getUrl();
        if (url == null) {
            return null;
        }
        return url.replaceAll("/+$", "").replaceAll("/api$", "");
    }

    /** The Unleash client, when the application has none and {@code rollback.unleash.url} is set. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(Unleash.class)
    @ConditionalOnProperty("rollback.unleash.url")
    static class UnleashClientConfiguration {

        @Bean
        @ConditionalOnMissingBean
        UnleashFlagSubscriber rollbackUnleashFlagSubscriber() {
            return new UnleashFlagSubscriber();
        }

        @Bean(destroyMethod = "shutdown")
        @ConditionalOnMissingBean(Unleash.class)
        DefaultUnleash rollbackUnleash(RollbackProperties properties, UnleashFlagSubscriber subscriber,
                                       Environment environment) {
            RollbackProperties.Unleash settings = properties.getUnleash();
            String appName = settings.getAppName() != null ? settings.getAppName()
                    : properties.getService().getName() != null ? properties.getService().getName()
                    : environment.getProperty("spring.application.name", RollbackRegistry.Builder.DEFAULT_SERVICE_NAME);
            UnleashConfig.Builder config = UnleashConfig.builder()
                    .appName(appName)
                    .fetchTogglesInterval(Math.max(1, settings.getFetchInterval().toSeconds()))
                    .synchronousFetchOnInitialisation(settings.isSynchronousFetchOnInitialisation())
                    .subscriber(subscriber);
            PropertyTranslator.check("rollback.unleash.url", settings.getUrl(), () -> config.unleashAPI(settings.getUrl()));
            if (settings.getClientToken() != null) {
                config.apiKey(settings.getClientToken());
            }
            if (properties.getService().getInstanceId() != null) {
                config.instanceId(properties.getService().getInstanceId());
            }
            return PropertyTranslator.check("rollback.unleash.url", settings.getUrl(), () -> new DefaultUnleash(config.build()));
        }
    }
}
