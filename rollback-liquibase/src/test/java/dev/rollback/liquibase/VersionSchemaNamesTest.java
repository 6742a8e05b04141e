package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which schemas an application that runs its old code beside its new code finds: the current version's
 * and the previous version's, from the version schemas that exist (PostgreSQL) or none (H2).
 */
class VersionSchemaNamesTest {

    private static final List<String> IDS = List.of("v1", "v2-a", "v2-b", "v3");

    @Test
    void findsTheLastVersionSchemaAsCurrentAndTheEarliestBeforeItAsPrevious() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "names")) {
            String v1 = VersionSchema.name(db.schema(), "v1");
            String v2a = VersionSchema.name(db.schema(), "v2-a");
            String v2b = VersionSchema.name(db.schema(), "v2-b");
            db.execute("CREATE SCHEMA " + v1, "CREATE SCHEMA " + v2a, "CREATE SCHEMA " + v2b);

            try (Connection connection = db.dataSource().getConnection()) {
                assertThat(VersionSchema.resolveNames(connection, db.schema(), IDS))
                        .as("a release that expanded two change sets: its old code knows neither")
                        .isEqualTo(new VersionSchema.Names(v2b, v1));
                assertThat(VersionSchema.resolve(connection, db.schema(), IDS)).isEqualTo(v2b);
                assertThat(VersionSchema.resolveNames(connection, db.schema(), IDS.subList(0, 2)))
                        .as("the previous release's own change log").isEqualTo(new VersionSchema.Names(v2a, v1));
            }
        }
    }

    @Test
    void theReadmeLinesPutEachPathOfAPlainJdbcApplicationOnItsVersionAfterAnExpand() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "names")) {
            ExpandContract.builder(db.dataSource(), "versions/v1.yaml").build().expand();
            ExpandContract.builder(db.dataSource(), "versions/v2.yaml").build().expand();

            try (Connection connection = db.dataSource().getConnection()) {
                // as in the README, with this test's schema for "public"
                VersionSchema.Names names = VersionSchema.resolveNames(connection, db.schema(),
                        VersionSchema.changeSetIds("versions/v2.yaml"));
                VersionSchema.use(connection, names.current());

                assertThat(names).isEqualTo(new VersionSchema.Names(VersionSchema.name(db.schema(), "v2-release"),
                        VersionSchema.name(db.schema(), "v1-baseline")));
                assertThat(currentSchema(connection)).isEqualTo(names.current());
                VersionSchema.use(connection, names.previous());
                assertThat(currentSchema(connection)).isEqualTo(names.previous());
            }
        }
    }

    @Test
    void usesTheCurrentSchemaForBothWhereThereIsNoPreviousOneAndThePhysicalWhereThereIsNone() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "names")) {
            try (Connection connection = db.dataSource().getConnection()) {
                assertThat(VersionSchema.resolveNames(connection, db.schema(), IDS))
                        .as("no expand yet").isEqualTo(new VersionSchema.Names(db.schema(), db.schema()));
            }
            String v3 = VersionSchema.name(db.schema(), "v3");
            db.execute("CREATE SCHEMA " + v3);
            try (Connection connection = db.dataSource().getConnection()) {
                assertThat(VersionSchema.resolveNames(connection, db.schema(), IDS))
                        .as("after a contract").isEqualTo(new VersionSchema.Names(v3, v3));
            }
        }
    }

    @Test
    void findsThePhysicalSchemaOnH2() throws Exception {
        try (TestDatabase db = TestDatabase.open("h2", "names"); Connection connection = db.dataSource().getConnection()) {
            assertThat(VersionSchema.resolveNames(connection, "PUBLIC", IDS))
                    .isEqualTo(new VersionSchema.Names("PUBLIC", "PUBLIC"));
        }
    }

    @Test
    void putsAConnectionOnASchemaWhoseNameNeedsQuoting() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "names")) {
            String odd = db.schema() + "_Odd \"name\"";
            db.execute("CREATE SCHEMA " + VersionSchema.quote(odd));
            try (Connection connection = db.dataSource().getConnection()) {
                VersionSchema.use(connection, odd);
                assertThat(currentSchema(connection)).isEqualTo(odd);
            } finally {
                db.execute("DROP SCHEMA " + VersionSchema.quote(odd));
            }
        }
    }

    private static String currentSchema(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_schema()")) {
            row.next();
            return row.getString(1);
        }
    }
}
