package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;
import java.util.TreeSet;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The change types from plain Liquibase, without {@link ExpandContract}: update expands, update with
 * the change log parameter {@code rollback.phase=contract} contracts through {@code contractExpanded}, and Liquibase rollback runs
 * the rollback step.
 */
class LiquibaseNativeTest {

    static List<String> kinds() {
        return TestDatabase.kinds();
    }

    private static TestDatabase customers(String kind, String test) throws Exception {
        TestDatabase db = TestDatabase.open(kind, test);
        Scenario scenario = new Scenarios.RenameColumn();
        db.execute(scenario.setup().toArray(String[]::new));
        try (Connection connection = db.dataSource().getConnection()) {
            for (long id = 1; id <= 20; id++) {
                scenario.oldWrite(connection, id);
            }
        }
        return db;
    }

    private static void update(TestDatabase db, String changelog, String phase) throws Exception {
        try (Connection connection = db.dataSource().getConnection()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            Liquibase liquibase = new Liquibase(changelog, new ClassLoaderResourceAccessor(), database);
            if (phase != null) {
                liquibase.setChangeLogParameter("rollback.phase", phase);
            }
            liquibase.update(new Contexts(), new LabelExpression());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void updateExpandsAndUpdateWithPhaseContractContracts(String kind) throws Exception {
        try (TestDatabase db = customers(kind, "native_contract")) {
            ExpandContract status = ExpandContract.builder(db.dataSource(), "bad/contract-native.yaml").build();

            update(db, "bad/contract-native.yaml", null);
            assertThat(status.status()).singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.EXPANDED);
            assertThat(db.count("SELECT COUNT(*) FROM " + new Scenarios.RenameColumn().newShape(db, "customer")
                    + " WHERE email_address = 'u' || id || '@old'")).as("the new version sees every value").isEqualTo(20);

            update(db, "bad/contract-native.yaml", "contract");
            assertThat(status.status()).singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.CONTRACTED);
            assertThat(db.objects()).noneMatch(o -> o.startsWith("column customer.email ") || o.startsWith("trigger "));
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void liquibaseRollbackRunsTheRollbackStep(String kind) throws Exception {
        try (TestDatabase db = customers(kind, "native_rollback")) {
            TreeSet<String> before = db.objects();
            update(db, "scenarios/rename-column.xml", null);
            try (Connection connection = db.dataSource().getConnection()) {
                Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
                new Liquibase("scenarios/rename-column.xml", new ClassLoaderResourceAccessor(), database)
                        .rollback(1, null);
            }
            assertThat(db.objects()).isEqualTo(before);
            assertThat(ExpandContract.builder(db.dataSource(), "scenarios/rename-column.xml").build().status())
                    .singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.ROLLED_BACK);
        }
    }
}
