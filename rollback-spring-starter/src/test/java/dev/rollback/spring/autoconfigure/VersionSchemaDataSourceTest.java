package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.guard.RunningPath;
import dev.rollback.liquibase.ExpandContract;
import dev.rollback.liquibase.MigrationPhase;
import dev.rollback.liquibase.MigrationStatus;
import dev.rollback.liquibase.VersionSchema;
import dev.rollback.spring.Rollbackable;
import dev.rollback.testing.TestPostgresServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each guarded path on its own version's schema, on the real PostgreSQL: during the expand of a column
 * rename, a {@code @Rollbackable} whose new path writes the new column and whose old path the old one
 * works on both, while the rest of the application is on its version schema.
 */
class VersionSchemaDataSourceTest {

    private static final String EXPAND = "classpath:/db/rollback-starter/expand.yaml";

    private String schema;
    private String newSchema;
    private String oldSchema;

    @BeforeEach
    void freshSchema() throws SQLException {
        TestPostgresServer.assumeReachable();
        schema = "rb_paths_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        newSchema = VersionSchema.name(schema, "rename-email");
        oldSchema = VersionSchema.name(schema, "create-customer");
    }

    @AfterEach
    void dropSchemas() throws SQLException {
        TestPostgresServer.execute("DROP SCHEMA IF EXISTS " + newSchema + " CASCADE",
                "DROP SCHEMA IF EXISTS " + oldSchema + " CASCADE", "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Test
    void eachPathWritesItsOwnShapeThroughItsVersionSchemaDuringExpand() throws SQLException {
        runner().run(context -> {
            assertThat(context.getBean(ExpandContract.class).status()).singleElement()
                    .extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.EXPANDED);
            Signup signup = context.getBean(Signup.class);
            ReleaseGuard guard = context.getBean(RollbackRegistry.class).find("email-v2").orElseThrow();
            assertThat(signup.currentSchema()).as("outside every path").isEqualTo(newSchema);
            VersionSchemaDataSource dataSource = context.getBean(VersionSchemaDataSource.class);
            assertThat(dataSource.schemaOf(null)).isEqualTo(newSchema);
            assertThat(dataSource.schemaOf(RunningPath.Kind.NEW)).isEqualTo(newSchema);
            assertThat(dataSource.schemaOf(RunningPath.Kind.OLD)).isEqualTo(oldSchema);

            signup.signUp(2, "grace@new.example");
            signup.breakNewPath();
            signup.signUp(3, "linus@fallback.example");
            guard.rollback("by hand, to run the old path");
            signup.signUp(4, "barbara@old.example");

            assertThat(signup.schemas()).as("new, new then its fallback, old")
                    .containsExactly(newSchema, newSchema, oldSchema, oldSchema);
            assertThat(signup.currentSchema()).as("outside every path again").isEqualTo(newSchema);
            Map<Long, String> written = Map.of(1L, "ada@example.org", 2L, "grace@new.example",
                    3L, "linus@fallback.example", 4L, "barbara@old.example");
            assertThat(emails(newSchema, "email_address")).as("the new version sees every write").isEqualTo(written);
            assertThat(emails(oldSchema, "email")).as("the old version sees every write").isEqualTo(written);
        });
    }

    @Test
    void aConnectionCheckedOutBeforeThePathFollowsThePathInsideTheTransaction() throws SQLException {
        runner().run(context -> {
            Signup signup = context.getBean(Signup.class);
            context.getBean(RollbackRegistry.class).find("email-v2").orElseThrow().rollback("old path only");
            TransactionTemplate transactions = new TransactionTemplate(
                    new DataSourceTransactionManager(context.getBean(DataSource.class)));

            List<String> seen = transactions.execute(status -> {
                String before = signup.currentSchema();
                signup.signUp(2, "grace@old.example");
                return List.of(before, signup.schemas().get(0), signup.currentSchema());
            });
            assertThat(seen).containsExactly(newSchema, oldSchema, newSchema);

            transactions.executeWithoutResult(status -> {
                signup.signUp(3, "linus@rolled-back.example");
                status.setRollbackOnly();
            });
            // the pool's one connection: the rolled back transaction undid what it set, so it is set again
            signup.signUp(4, "barbara@old.example");
            assertThat(signup.currentSchema()).isEqualTo(newSchema);

            assertThat(signup.schemas()).containsExactly(oldSchema, oldSchema, oldSchema);
            assertThat(emails(oldSchema, "email")).containsOnlyKeys(1L, 2L, 4L);
        });
    }

    @Test
    void keepsTheLedgerOnThePhysicalSchemaWhenTheServiceStartsAgainAfterTheExpand() throws SQLException {
        ApplicationContextRunner runner = runner();
        runner.run(context -> assertThat(context).hasNotFailed());

        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Signup.class).currentSchema()).isEqualTo(newSchema);
        });
        try (Connection connection = TestPostgresServer.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + schema + ".deployment_record")) {
            rows.next();
            assertThat(rows.getLong(1)).as("a deployment record per start, in the physical schema").isEqualTo(2);
        }
    }

    @Test
    void handsOutConnectionsUnchangedWhereThereAreNoVersionSchemas() throws SQLException {
        DriverManagerDataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:paths-" + schema + ";DB_CLOSE_DELAY=-1", "sa", "");
        VersionSchemaDataSource dataSource = new VersionSchemaDataSource(h2, () -> List.of("create-customer"), null);

        try (Connection connection = dataSource.getConnection()) {
            assertThat(Proxy.isProxyClass(connection.getClass())).isFalse();
        }
        assertThat(dataSource.schemaOf(RunningPath.Kind.OLD)).isNull();
    }

    @Test
    void setsTheSearchPathOnlyWhenTheSchemaAConnectionNeedsChanges() throws SQLException {
        TestPostgresServer.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema,
                "CREATE SCHEMA " + oldSchema, "CREATE SCHEMA " + newSchema);
        AtomicInteger sets = new AtomicInteger();
        try (HikariDataSource pool = onePool()) {
            VersionSchemaDataSource dataSource = new VersionSchemaDataSource(new CountingSets(pool, sets),
                    () -> List.of("create-customer", "rename-email"), null);
            ReleaseGuard oldOnly = RollbackRegistry.builder().service("checkout", "2.0.0").build().guard("email-v2");
            oldOnly.rollback("old path only");

            for (int i = 0; i < 100; i++) {
                assertThat(currentSchema(dataSource)).isEqualTo(newSchema);
            }
            assertThat(sets).as("the physical search path to look the schemas up, then the version's, once")
                    .hasValue(2);

            for (int i = 0; i < 100; i++) {
                assertThat(oldOnly.call(() -> null, () -> currentSchema(dataSource))).isEqualTo(oldSchema);
                assertThat(currentSchema(dataSource)).isEqualTo(newSchema);
            }
            assertThat(sets).as("twice per round: to the old path's schema and back").hasValue(2 + 200);
        }
    }

    @Test
    void setsTheSearchPathOnceWhileThereIsNoVersionSchema() throws SQLException {
        TestPostgresServer.freshSchema(schema);
        AtomicInteger sets = new AtomicInteger();
        try (HikariDataSource pool = onePool()) {
            VersionSchemaDataSource dataSource = new VersionSchemaDataSource(new CountingSets(pool, sets),
                    () -> List.of("create-customer", "rename-email"), null);

            for (int i = 0; i < 100; i++) {
                assertThat(currentSchema(dataSource)).isEqualTo(schema);
            }
            assertThat(sets).as("looked up at each checkout, but set once").hasValue(1);
        }
    }

    /** A pool of one connection, so that every checkout gets the same. */
    private HikariDataSource onePool() {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(TestPostgresServer.URL + (TestPostgresServer.URL.contains("?") ? "&" : "?")
                + "currentSchema=" + schema);
        pool.setUsername(TestPostgresServer.USER);
        pool.setPassword(TestPostgresServer.PASSWORD);
        pool.setMaximumPoolSize(1);
        return pool;
    }

    private ApplicationContextRunner runner() throws SQLException {
        String url = TestPostgresServer.freshSchema(schema);
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        LiquibaseAutoConfiguration.class, RollbackAutoConfiguration.class,
                        RollbackLiquibaseAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + url,
                        "spring.datasource.username=" + TestPostgresServer.USER,
                        "spring.datasource.password=" + TestPostgresServer.PASSWORD,
                        "spring.datasource.hikari.maximum-pool-size=1",
                        "spring.liquibase.change-log=" + EXPAND,
                        "spring.application.name=signup", "rollback.service.version=2.0.0")
                .withBean(Signup.class);
    }

    private static String currentSchema(DataSource dataSource) {
        return new JdbcTemplate(dataSource).queryForObject("SELECT current_schema()", String.class);
    }

    /** What a version's schema shows of {@code customer}, read on a connection of its own. */
    private static Map<Long, String> emails(String versionSchema, String column) throws SQLException {
        Map<Long, String> emails = new java.util.TreeMap<>();
        try (Connection connection = TestPostgresServer.connect(); Statement statement = connection.createStatement()) {
            VersionSchema.use(connection, versionSchema);
            try (ResultSet rows = statement.executeQuery("SELECT id, " + column + " FROM customer")) {
                while (rows.next()) {
                    emails.put(rows.getLong(1), rows.getString(2));
                }
            }
        }
        return emails;
    }

    /** A service whose new path writes the renamed column and whose old path the old one. */
    static class Signup {

        private final List<String> schemas = new CopyOnWriteArrayList<>();
        private final AtomicBoolean newBroken = new AtomicBoolean();
        private final JdbcTemplate jdbc;

        Signup(DataSource dataSource) {
            this.jdbc = new JdbcTemplate(dataSource);
        }

        @Rollbackable(value = "email-v2", fallbackMethod = "signUpV1")
        public void signUp(long id, String email) {
            schemas.add(currentSchema());
            if (newBroken.get()) {
                throw new IllegalStateException("email v2 is broken");
            }
            jdbc.update("INSERT INTO customer (id, email_address) VALUES (?, ?)", id, email);
        }

        public void signUpV1(long id, String email) {
            schemas.add(currentSchema());
            jdbc.update("INSERT INTO customer (id, email) VALUES (?, ?)", id, email);
        }

        public String currentSchema() {
            return jdbc.queryForObject("SELECT current_schema()", String.class);
        }

        /** @return the schema each path saw, in order */
        public List<String> schemas() {
            return schemas;
        }

        public void breakNewPath() {
            newBroken.set(true);
        }
    }

    /** The pool, counting the {@code SET search_path} statements its connections run. */
    private static final class CountingSets extends DelegatingDataSource {

        private final AtomicInteger sets;

        CountingSets(DataSource pool, AtomicInteger sets) {
            super(pool);
            this.sets = sets;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection connection = super.getConnection();
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        Object result = invoke(connection, method, args);
                        if (result instanceof Statement statement && "createStatement".equals(method.getName())) {
                            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class},
                                    (p, m, a) -> {
                                        if ("execute".equals(m.getName()) && String.valueOf(a[0]).startsWith("SET search_path")) {
                                            sets.incrementAndGet();
                                        }
                                        return invoke(statement, m, a);
                                    });
                        }
                        return result;
                    });
        }

        private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
