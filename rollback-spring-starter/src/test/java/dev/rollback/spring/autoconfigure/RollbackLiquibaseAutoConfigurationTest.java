package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.liquibase.ExpandContract;
import dev.rollback.liquibase.LintException;
import dev.rollback.liquibase.MigrationPhase;
import dev.rollback.liquibase.MigrationStatus;
import dev.rollback.liquibase.VersionSchema;
import dev.rollback.spring.actuate.RollbackEndpoint;
import dev.rollback.spring.actuate.RollbackMigrations;
import dev.rollback.testing.TestPostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import liquibase.integration.spring.SpringLiquibase;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.beans.DirectFieldAccessor;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class RollbackLiquibaseAutoConfigurationTest {

    private static final String EXPAND = "classpath:/db/rollback-starter/expand.yaml";
    private static final String SCHEMA_WRITES = "rollback.endpoint.schema-writes=true";
    private static final String PLAIN_RENAME = "classpath:/db/rollback-starter/plain-rename.yaml";


    private final String url = "jdbc:h2:mem:starter-liquibase-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    LiquibaseAutoConfiguration.class, RollbackAutoConfiguration.class,
                    RollbackLiquibaseAutoConfiguration.class, RollbackActuatorAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=" + url, "spring.application.name=checkout",
                    "rollback.service.version=1.5.0", "management.endpoints.web.exposure.include=rollback");

    @Test
    void expandsThroughSpringsLiquibaseAndShowsTheMigrationsInTheEndpoint() {
        runner.withPropertyValues("spring.liquibase.change-log=" + EXPAND).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ExpandContract.class)
                    .hasSingleBean(RollbackMigrations.class);
            List<MigrationStatus> status = context.getBean(ExpandContract.class).status();
            assertThat(status).singleElement().satisfies(migration -> {
                assertThat(migration.changeType()).isEqualTo("expandRenameColumn");
                assertThat(migration.phase()).isEqualTo(MigrationPhase.EXPANDED);
                assertThat(migration.serviceVersion()).isEqualTo("1.5.0");
            });
            assertThat(columns(context.getBean(DataSource.class))).contains("EMAIL", "EMAIL_ADDRESS");
            // Read off the request path: the first read may not have happened yet.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(context.getBean(RollbackEndpoint.class).report().getBody().get("migrations"))
                            .asInstanceOf(InstanceOfAssertFactories.LIST).singleElement()
                            .asInstanceOf(InstanceOfAssertFactories.MAP)
                            .containsEntry("phase", "EXPANDED").containsEntry("table", "customer"));
            assertThat(context.getBean(RollbackEndpoint.class).report().getBody().get("migrationsStatus"))
                    .asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("error", null)
                    .containsKeys("readAt", "ageSeconds");
        });
    }

    @Test
    void refusesToChangeTheSchemaThroughTheEndpointUnlessSchemaWritesAreOn() {
        runner.withPropertyValues("spring.liquibase.change-log=" + EXPAND).run(context -> {
            for (String action : List.of("contract", "rollback-migrations")) {
                WebEndpointResponse<Map<String, Object>> refused = context.getBean(RollbackEndpoint.class)
                        .migrations(action, null);

                assertThat(refused.getStatus()).isEqualTo(403);
                assertThat(refused.getBody().get("message")).asString().contains("rollback.endpoint.schema-writes");
            }
            assertThat(context.getBean(ExpandContract.class).status()).singleElement()
                    .extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.EXPANDED);
            assertThat(columns(context.getBean(DataSource.class))).contains("EMAIL", "EMAIL_ADDRESS");
        });
    }

    @Test
    void refusesAContractBeforeTheBakeTimeAndContractsAfterIt() {
        runner.withPropertyValues("spring.liquibase.change-log=" + EXPAND, SCHEMA_WRITES).run(context -> {
            WebEndpointResponse<Map<String, Object>> refused = context.getBean(RollbackEndpoint.class)
                    .migrations("contract", null);

            assertThat(refused.getStatus()).isEqualTo(409);
            assertThat(refused.getBody().get("message")).asString().contains("contract refused").contains("bake time");
            assertThat(columns(context.getBean(DataSource.class))).contains("EMAIL", "EMAIL_ADDRESS");
        });
        runner.withPropertyValues("spring.liquibase.change-log=" + EXPAND, "rollback.liquibase.bake-time=0s",
                        SCHEMA_WRITES)
                .run(context -> {
                    WebEndpointResponse<Map<String, Object>> contracted = context.getBean(RollbackEndpoint.class)
                            .migrations("contract", null);

                    assertThat(contracted.getStatus()).isEqualTo(200);
                    assertThat(context.getBean(ExpandContract.class).status()).singleElement()
                            .extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.CONTRACTED);
                    assertThat(columns(context.getBean(DataSource.class))).contains("EMAIL_ADDRESS")
                            .doesNotContain("EMAIL");
                });
    }

    @Test
    void rollsTheMigrationsBackThroughTheEndpoint() {
        runner.withPropertyValues("spring.liquibase.change-log=" + EXPAND, SCHEMA_WRITES).run(context -> {
            WebEndpointResponse<Map<String, Object>> rolledBack = context.getBean(RollbackEndpoint.class)
                    .migrations("rollback-migrations", null);

            assertThat(rolledBack.getStatus()).isEqualTo(200);
            assertThat(context.getBean(ExpandContract.class).status()).singleElement()
                    .extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.ROLLED_BACK);
            assertThat(columns(context.getBean(DataSource.class))).contains("EMAIL").doesNotContain("EMAIL_ADDRESS");
        });
    }

    @Test
    void refusesToStartWhenTheLintFindsAChangeThatBreaksTheRunningVersion() throws Exception {
        createCustomerTable();

        runner.withPropertyValues("spring.liquibase.change-log=" + PLAIN_RENAME).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(LintException.class)
                    .hasMessageContaining("plain-rename-email").hasMessageContaining("expandRenameColumn");
        });
        assertThat(columns(dataSource())).contains("EMAIL").doesNotContain("EMAIL_ADDRESS");
    }

    @Test
    void runsTheUpdateWithAWarningWhenTheLintOnlyWarns() throws Exception {
        createCustomerTable();

        runner.withPropertyValues("spring.liquibase.change-log=" + PLAIN_RENAME, "rollback.liquibase.lint=warn")
                .run(context -> assertThat(context).hasNotFailed());

        assertThat(columns(dataSource())).contains("EMAIL_ADDRESS").doesNotContain("EMAIL");
    }

    @Test
    void lintsOnlyTheChangeSetsNotRunYet() throws Exception {
        createCustomerTable();
        runner.withPropertyValues("spring.liquibase.change-log=" + PLAIN_RENAME, "rollback.liquibase.lint=off")
                .run(context -> assertThat(context).hasNotFailed());

        runner.withPropertyValues("spring.liquibase.change-log=" + PLAIN_RENAME)
                .run(context -> assertThat(context).as("the rename ran before; the lint must not see it again")
                        .hasNotFailed());
    }

    @Test
    void passesTheExpandSettingsAsChangeLogParametersUnderTheApplicationsOwn() {
        runner.withPropertyValues("spring.liquibase.change-log=" + EXPAND, "rollback.liquibase.backfill-batch-size=7",
                        "rollback.liquibase.lock-retries=3", "spring.liquibase.parameters.rollback.lockRetries=9")
                .run(context -> {
                    @SuppressWarnings("unchecked")
                    Map<String, String> parameters = (Map<String, String>) new DirectFieldAccessor(
                            context.getBean(SpringLiquibase.class)).getPropertyValue("parameters");
                    assertThat(parameters).containsEntry("rollback.backfillBatchSize", "7")
                            .containsEntry("rollback.lockRetries", "9")
                            .containsEntry("rollback.backfillPause", "PT0.005S")
                            .containsEntry("rollback.serviceVersion", "1.5.0");
                });
    }

    @Test
    void failsAtStartOnAnInvalidSettingNamingPropertyAndValue() {
        runner.withPropertyValues("spring.liquibase.change-log=" + EXPAND, "rollback.liquibase.backfill-batch-size=0")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new RollbackFailureAnalyzers.InvalidProperty()
                            .analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("'rollback.liquibase.backfill-batch-size'")
                            .contains("'0'").contains("backfillBatchSize must be positive");
                });
    }

    @Test
    void backsOffWithoutRollbackLiquibase() {
        runner.withPropertyValues("spring.liquibase.change-log=" + EXPAND)
                .withClassLoader(new FilteredClassLoader(ExpandContract.class))
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(RollbackMigrations.class)
                            .hasSingleBean(RollbackEndpoint.class);
                    assertThat(context.getBean(RollbackEndpoint.class).report().getBody()).doesNotContainKey("migrations");
                    assertThat(context.getBean(RollbackEndpoint.class).migrations("contract", null).getStatus())
                            .isEqualTo(404);
                });
    }

    @Test
    void backsOffWhenDisabled() {
        runner.withPropertyValues("spring.liquibase.change-log=" + EXPAND, "rollback.liquibase.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ExpandContract.class)
                        .doesNotHaveBean(RollbackMigrations.class));
    }

    @Test
    void backsOffForTheApplicationsOwnMigrations() {
        runner.withPropertyValues("spring.liquibase.change-log=" + EXPAND)
                .withBean("ownMigrations", ExpandContract.class,
                        () -> ExpandContract.builder(dataSource(), "db/rollback-starter/expand.yaml").build())
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ExpandContract.class);
                    assertThat(context).getBean(ExpandContract.class)
                            .isSameAs(context.getBean("ownMigrations"));
                    assertThat(context).hasSingleBean(RollbackMigrations.class);
                });
    }

    private DataSource dataSource() {
        return new DriverManagerDataSource(url, "sa", "");
    }

    @Test
    void putsTheApplicationsConnectionsOnItsVersionSchemaOnPostgres() throws Exception {
        String schema = "rb_starter_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        TestPostgresServer.assumeReachable();
        String url = TestPostgresServer.freshSchema(schema);
        try {
            runner.withPropertyValues("spring.datasource.url=" + url,
                    "spring.datasource.username=" + TestPostgresServer.USER,
                    "spring.datasource.password=" + TestPostgresServer.PASSWORD,
                    "spring.liquibase.change-log=" + EXPAND).run(context -> {
                assertThat(context).hasNotFailed();
                try (Connection connection = context.getBean(DataSource.class).getConnection();
                     Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SELECT current_schema(), email_address FROM customer")) {
                    row.next();
                    assertThat(row.getString(1)).isEqualTo(VersionSchema.name(schema, "rename-email"));
                    assertThat(row.getString(2)).isEqualTo("ada@example.org");
                }
                assertThat(context.getBean(ExpandContract.class).status()).singleElement()
                        .extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.EXPANDED);
            });
            runner.withPropertyValues("spring.datasource.url=" + url,
                    "spring.datasource.username=" + TestPostgresServer.USER,
                    "spring.datasource.password=" + TestPostgresServer.PASSWORD,
                    "spring.liquibase.change-log=" + EXPAND, "rollback.liquibase.search-path=" + schema).run(context -> {
                try (Connection connection = context.getBean(DataSource.class).getConnection();
                     Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SELECT current_schema()")) {
                    row.next();
                    assertThat(row.getString(1)).as("the property overrides the schema found").isEqualTo(schema);
                }
            });
        } finally {
            TestPostgresServer.execute("DROP SCHEMA IF EXISTS " + VersionSchema.name(schema, "rename-email") + " CASCADE",
                    "DROP SCHEMA IF EXISTS " + VersionSchema.name(schema, "create-customer") + " CASCADE",
                    "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void releasesTheChangeLogLockOfAnUpdateKilledMidExpandBeforeSpringsLiquibaseWaitsForIt() throws Exception {
        String schema = "rb_starter_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        TestPostgresServer.assumeReachable();
        String url = TestPostgresServer.freshSchema(schema);
        ApplicationContextRunner postgres = runner.withPropertyValues("spring.datasource.url=" + url,
                "spring.datasource.username=" + TestPostgresServer.USER,
                "spring.datasource.password=" + TestPostgresServer.PASSWORD, "spring.liquibase.change-log=" + EXPAND);
        try {
            postgres.run(context -> assertThat(context).hasNotFailed());
            // what a process killed during the expand step leaves: Liquibase's lock held, granted to the
            // update whose session the step recorded, and that session gone (no backend has pid 0)
            TestPostgresServer.execute("UPDATE " + schema + ".databasechangeloglock SET locked = TRUE,"
                            + " lockgranted = now(), lockedby = 'killed-host (10.0.0.9)' WHERE id = 1",
                    "UPDATE " + schema + ".rollback_migration SET step_session = '0', step_lock = (SELECT"
                            + " CAST(lockgranted AS VARCHAR(64)) FROM " + schema + ".databasechangeloglock WHERE id = 1)");

            postgres.run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(ExpandContract.class).changelogLock()).as("the lock after start").isEmpty();
            });
        } finally {
            TestPostgresServer.execute("DROP SCHEMA IF EXISTS " + VersionSchema.name(schema, "rename-email") + " CASCADE",
                    "DROP SCHEMA IF EXISTS " + VersionSchema.name(schema, "create-customer") + " CASCADE",
                    "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private void createCustomerTable() throws Exception {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE customer (id BIGINT PRIMARY KEY, email VARCHAR(200))");
            statement.execute("INSERT INTO customer VALUES (1, 'ada@example.org')");
        }
    }

    private static List<String> columns(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection();
             ResultSet rows = connection.getMetaData().getColumns(null, null, "CUSTOMER", null)) {
            List<String> columns = new java.util.ArrayList<>();
            while (rows.next()) {
                columns.add(rows.getString("COLUMN_NAME"));
            }
            return columns;
        }
    }
}
