package dev.rollback.examples.checkout.migration;

import dev.rollback.liquibase.ExpandContract;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service's expand/contract migrations as a Java API: Spring Boot's Liquibase runs the change log
 * at start-up (the expand step of each expand/contract change); this bean reads their phases and is
 * what an operator's task would call to contract or roll them back.
 */
@Configuration(proxyBeanMethods = false)
public class MigrationConfiguration {

    /**
     * The migrations of the service's change log.
     *
     * @param dataSource the service's database
     * @param changelog  the change log, as Spring Boot's Liquibase runs it
     * @param name       the service name
     * @param version    the service version
     * @return the migrations
     */
    @Bean
    public ExpandContract checkoutMigrations(DataSource dataSource,
                                             @Value("${spring.liquibase.change-log}") String changelog,
                                             @Value("${spring.application.name}") String name,
                                             @Value("${rollback.service.version}") String version) {
        return ExpandContract.builder(dataSource, changelog.replaceFirst("^classpath:", ""))
                .serviceName(name).serviceVersion(version).build();
    }
}
