package dev.rollback.examples.checkout;

import dev.rollback.core.flag.InMemoryFlagSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The embedded default: flags in memory, so the service runs with nothing else installed. The
 * starter would make one from {@code rollback.features.*} too; this one is a bean of its own type so
 * that the demo's admin API can change the rollout while the service runs. With the {@code unleash}
 * or {@code openfeature} profile there is no such bean, and the starter makes Unleash or the
 * OpenFeature client the flag source.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!unleash & !openfeature")
public class FlagsConfiguration {

    /**
     * The flags, with {@code checkout-v2} rolled out to {@code checkout.rollout-percent} of the users.
     *
     * @param percent the share of users on the new checkout at start-up, 0 by default
     * @return the flag source the starter's registry uses
     */
    @Bean
    public InMemoryFlagSource checkoutFlags(@Value("${checkout.rollout-percent:0}") int percent) {
        return new InMemoryFlagSource().rollout("checkout-v2", percent);
    }
}
