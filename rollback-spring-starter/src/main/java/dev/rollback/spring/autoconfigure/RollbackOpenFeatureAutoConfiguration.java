package dev.rollback.spring.autoconfigure;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.openfeature.OpenFeatureFlagSource;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of OpenFeature as the flag source, when rollback-openfeature and the OpenFeature
 * SDK are on the class path and the application has an OpenFeature {@link Client} bean (or an
 * {@link OpenFeatureAPI} bean, whose default client is then used). It runs after the Unleash
 * auto-configuration, so an application with Unleash keeps Unleash; it never creates a client or
 * sets a provider.
 */
@AutoConfiguration(before = RollbackAutoConfiguration.class, after = RollbackUnleashAutoConfiguration.class)
@ConditionalOnClass({OpenFeatureFlagSource.class, Client.class, RollbackRegistry.class})
@ConditionalOnBooleanProperty(name = {"rollback.enabled", "rollback.openfeature.enabled"}, matchIfMissing = true)
@EnableConfigurationProperties(RollbackProperties.class)
public final class RollbackOpenFeatureAutoConfiguration {


    /**
     * The OpenFeature flag source on the application's client.
     *
     * @param client     the client
     * @param properties the properties
     * @return the flag source, closed with the context
     */
    @Bean
    @ConditionalOnMissingBean(FlagSource.class)
    @ConditionalOnBean(Client.class)
    OpenFeatureFlagSource rollbackOpenFeatureFlagSource(Client client, RollbackProperties properties) {
        return flagSource(client, properties.getOpenfeature());
    }

    /**
     * The OpenFeature flag source on the default client of the application's API bean.
     *
     * @param api        the API
     * @param properties the properties
     * @return the flag source, closed with the context
     */
    @Bean
    @ConditionalOnMissingBean({FlagSource.class, Client.class})
    @ConditionalOnBean(OpenFeatureAPI.class)
    OpenFeatureFlagSource rollbackOpenFeatureApiFlagSource(OpenFeatureAPI api, RollbackProperties properties) {
        return flagSource(api.getClient(), properties.getOpenfeature());
    }

    private static OpenFeatureFlagSource flagSource(Client client, RollbackProperties.OpenFeature settings) {
        OpenFeatureFlagSource.Builder builder = OpenFeatureFlagSource.builder(client);
        long size = settings.getCacheMaximumSize();
        set("rollback.openfeature.cache-maximum-size", size, () -> builder.cacheMaximumSize(size));
        Duration interval = settings.getErrorLogInterval();
        set("rollback.openfeature.error-log-interval", interval, () -> builder.errorLogInterval(interval));
        return builder.build();
    }

    /** Applies a setting; a value the builder refuses fails the start-up naming the property. */
    private static void set(String property, Object value, Runnable apply) {
        try {
            apply.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRollbackPropertyException(property, value, String.valueOf(e.getMessage()), e);
        }
    }
}
