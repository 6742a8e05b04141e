package dev.rollback.liquibase;

import static dev.rollback.liquibase.Scenario.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What other changes of a release may say about a table whose {@code expandRenameTable} is pending
 * (expanded, not yet contracted), on the real PostgreSQL. Until contract the table keeps its old name
 * physically and the new name is a view, so a change acting on either name, a foreign key referencing
 * it, or an SQL expression mentioning it would act on the wrong object or leave the new version's
 * schema without it: such a change is refused before anything changes, in a later change set (when its
 * expand starts) or later in the rename's own change set (by Liquibase's validation). Some changes on
 * the new name go through on PostgreSQL: a column rename (an alias too), and a column added or dropped
 * and an index created (on the physical table under its old name until contract); H2, with no version
 * schemas, refuses them. The cases come from pgroll's
 * {@code pkg/migrations/op_rename_table_test.go} and the "rename table, ..." cases of
 * {@code op_rename_column_test.go}, {@code op_add_column_test.go}, {@code op_drop_column_test.go},
 * {@code op_create_index_test.go} and {@code op_change_type_test.go}.
 */
class RenameTableTest {

    /** Release 1: {@code items (id, name)} and {@code orders (id, item_id)}. */
    private static final String TABLES = "renametable/tables.yaml";
    /** The change set of release 1. */
    private static final String RELEASE_1 = "r1-create-tables";
    /** SQLSTATE undefined_column. */
    private static final String UNDEFINED_COLUMN = "42703";
    /** SQLSTATE undefined_table. */
    private static final String UNDEFINED_TABLE = "42P01";
    /** The changes a later change set makes, each once on the new name and once on the old one. */
    private static final List<String> CHANGES = List.of("add", "retype", "check", "unique", "index", "drop", "notnull",
            "droptable", "fk", "sql", "fill");

    /** The changes above that go through on the new name (PostgreSQL): each has a test of its own below. */
    private static final List<String> ON_THE_NEW_NAME = List.of("add", "index", "drop");

    /** Every change type that takes a table, naming the renamed table by either name in a later change set. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void aLaterChangeSetNamingTheRenamedTableIsRefusedWithNothingChanged(String change, String table) throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_table_later")) {
            builder(db, "renametable/rename.yaml").expand();
            TreeSet<String> before = db.objects();
            List<String> schemas = db.schemas();
            ExpandContract migrations = builder(db, "renametable/later-" + change + "-" + table + ".yaml");

            assertThatThrownBy(migrations::expand).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("::r3-later::test")
                    .hasMessageContaining("table " + table)
                    .hasMessageContaining("expandRenameTable of renametable/rename.yaml::r2-rename-table::test renames"
                            + " items to products")
                    .hasMessageContaining("Put this change in a change set that runs after that contract")
                    .hasMessageContaining("nothing was changed");
            assertThat(migrations.status()).singleElement().satisfies(status -> {
                assertThat(status.phase()).isEqualTo(MigrationPhase.EXPANDED);
                assertThat(status.changeType()).isEqualTo("expandRenameTable");
            });
            assertThat(db.objects()).as("the rename expanded, nothing else").isEqualTo(before);
            assertThat(db.schemas()).isEqualTo(schemas);
        }
    }

    /** The same changes after the rename in its own change set: refused before the rename runs. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void aChangeNamingTheRenamedTableLaterInItsChangeSetIsRefusedBeforeAnythingRuns(String change, String table)
            throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_table_same")) {
            ExpandContract migrations = afterRelease1(db, "renametable/same-" + change + "-" + table + ".yaml");
            TreeSet<String> before = db.objects();
            List<String> schemas = db.schemas();

            assertThatThrownBy(migrations::expand).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("table " + table)
                    .hasMessageContaining("which expandRenameTable renames from items to products earlier in this change"
                            + " set")
                    .hasMessageContaining("put this change before the rename (on items), or in a change set that runs"
                            + " after the rename's contract");
            assertThat(migrations.status()).isEmpty();
            assertThat(db.objects()).isEqualTo(before);
            assertThat(db.schemas()).isEqualTo(schemas);
        }
    }

    static Stream<Arguments> cases() {
        Stream<Arguments> changes = CHANGES.stream().flatMap(change -> Stream.of(Arguments.of(change, "products"),
                Arguments.of(change, "items"))).filter(c -> !ON_THE_NEW_NAME.contains(c.get()[0]) || c.get()[1].equals("items"));
        return Stream.concat(changes, Stream.of(Arguments.of("rename-column", "items")));
    }

    /**
     * From {@code TestRenameColumnInMultiOperationMigrations}, "rename table, rename column", in two
     * change sets: the column rename on the table's new name is an alias over the alias. Each version
     * writes through its own names; rollback leaves the physical schema as release 1 left it; a second
     * expand and contract give {@code products (id, title)}.
     */
    @Test
    void aLaterChangeSetRenamesAColumnOfTheRenamedTableByItsNewName() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_table_column")) {
            ExpandContract migrations = afterRelease1(db, "renametable/later-rename-column-products.yaml");
            TreeSet<String> before = db.objects();
            String first = VersionSchema.name(db.schema(), RELEASE_1);
            String second = VersionSchema.name(db.schema(), "r2-rename-table");
            String third = VersionSchema.name(db.schema(), "r3-later");

            migrations.expand();
            assertThat(db.columns(third, "products")).containsExactly("id", "title");
            assertThat(db.columns(second, "products")).containsExactly("id", "name");
            assertThat(db.columns(first, "items")).containsExactly("id", "name");
            write(db, first, "INSERT INTO items (name) VALUES (?)", "apples");
            write(db, second, "INSERT INTO products (name) VALUES (?)", "bananas");
            write(db, third, "INSERT INTO products (title) VALUES (?)", "carrots");
            assertThat(db.rows("SELECT id, title FROM " + third + ".products ORDER BY id")).containsExactly(
                    List.of(1L, "apples"), List.of(2L, "bananas"), List.of(3L, "carrots"));

            migrations.rollback();
            assertThat(db.objects()).as("the physical schema after rollback").isEqualTo(before);
            assertThat(db.rows("SELECT id, name FROM items ORDER BY id")).containsExactly(
                    List.of(1L, "apples"), List.of(2L, "bananas"), List.of(3L, "carrots"));

            migrations.expand();
            migrations.contract();
            assertThat(db.columns(db.schema(), "products")).containsExactly("id", "title");
            assertThat(db.schemas()).containsExactly(third);
            write(db, third, "INSERT INTO products (title) VALUES (?)", "durian");
            assertThat(db.rows("SELECT id, title FROM " + third + ".products ORDER BY id")).containsExactly(
                    List.of(1L, "apples"), List.of(2L, "bananas"), List.of(3L, "carrots"), List.of(4L, "durian"));
        }
    }

    /**
     * From {@code op_add_column_test.go}, "rename table, add column" (in one change set, and in a later
     * one): the column is added to the physical table under its old name while the rename is pending, so
     * each version sees its own shape; the OLD app's rows get the fill expression ({@code UPPER(name)},
     * pgroll's {@code up}); rollback leaves the catalog of release 1; a second expand gives back the value
     * only the new version knew, and contract gives {@code products (id, name, description)}.
     */
    @ParameterizedTest
    @MethodSource("addedColumns")
    void aColumnAddedOnTheRenamedTablesNewNameIsAddedToThePhysicalTable(String changelog, String id, String middle)
            throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_table_add")) {
            ExpandContract migrations = afterRelease1(db, changelog);
            TreeSet<String> before = db.objects();
            String first = VersionSchema.name(db.schema(), RELEASE_1);
            String next = VersionSchema.name(db.schema(), id);

            migrations.expand();
            assertThat(db.columns(next, "products")).containsExactly("id", "name", "description");
            assertThat(db.columns(first, "items")).as("release 1's shape").containsExactly("id", "name");
            if (!middle.isEmpty()) {
                assertThat(db.columns(VersionSchema.name(db.schema(), middle), "products")).as("the rename's shape")
                        .containsExactly("id", "name");
            }
            try (Connection neu = db.dataSource(next).getConnection()) {
                exec(neu, "INSERT INTO products (name, description) VALUES (?, ?)", "apples", "green");
                assertThatThrownBy(() -> exec(neu, "INSERT INTO items (name) VALUES (?)", "x"))
                        .isInstanceOf(SQLException.class).extracting(RenameTableTest::sqlState)
                        .isEqualTo(UNDEFINED_TABLE);
            }
            write(db, first, "INSERT INTO items (name) VALUES (?)", "bananas");
            assertThat(db.rows("SELECT id, name FROM " + first + ".items ORDER BY id"))
                    .containsExactly(List.of(1L, "apples"), List.of(2L, "bananas"));
            assertThat(db.rows("SELECT id, name, description FROM " + next + ".products ORDER BY id"))
                    .containsExactly(List.of(1L, "apples", "green"), List.of(2L, "bananas", "BANANAS"));

            migrations.rollback();
            assertThat(db.objects()).as("the physical schema after rollback").isEqualTo(before);
            write(db, first, "INSERT INTO items (name) VALUES (?)", "carrots");

            migrations.expand();
            migrations.contract();
            assertThat(db.columns(db.schema(), "products")).containsExactly("id", "name", "description");
            assertThat(db.schemas()).containsExactly(next);
            write(db, next, "INSERT INTO products (name, description) VALUES (?, 'crunchy')", "durian");
            assertThat(db.rows("SELECT id, name, description FROM " + next + ".products ORDER BY id")).containsExactly(
                    List.of(1L, "apples", "green"), List.of(2L, "bananas", "BANANAS"), List.of(3L, "carrots", "CARROTS"),
                    List.of(4L, "durian", "crunchy"));
        }
    }

    static Stream<Arguments> addedColumns() {
        return Stream.of(Arguments.of("renametable/rename-and-add.yaml", "r2-multi-operation", ""),
                Arguments.of("renametable/rename-then-add.yaml", "r3-later", "r2-rename-table"));
    }

    /**
     * From {@code op_create_index_test.go}, "rename table, create index": the index is built on the
     * physical table under its old name, dropped by rollback (the catalog of release 1), and stays on
     * the table through its rename at contract.
     */
    @Test
    void anIndexCreatedOnTheRenamedTablesNewNameIsBuiltOnThePhysicalTable() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_table_index")) {
            ExpandContract migrations = afterRelease1(db, "renametable/rename-and-index.yaml");
            TreeSet<String> before = db.objects();

            migrations.expand();
            assertThat(db.objects()).contains("index definition create index ix_products_name on items using btree (name)");
            migrations.rollback();
            assertThat(db.objects()).as("the physical schema after rollback").isEqualTo(before);
            migrations.expand();
            migrations.contract();
            assertThat(db.objects()).contains(
                    "index definition create index ix_products_name on products using btree (name)");
        }
    }

    /**
     * From {@code op_drop_column_test.go}, "rename table, drop column": the new version neither sees nor
     * writes the column, by either table name; a row it writes gets the fill expression for the old
     * version ({@code 'foo'}, pgroll's {@code down}); rollback leaves the catalog of release 1 and the
     * old version writes the column again; contract drops it from the renamed table.
     */
    @Test
    void aColumnDroppedOnTheRenamedTablesNewNameIsDroppedAtContract() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_table_drop")) {
            ExpandContract migrations = afterRelease1(db, "renametable/rename-and-drop.yaml");
            TreeSet<String> before = db.objects();
            String first = VersionSchema.name(db.schema(), RELEASE_1);
            String next = VersionSchema.name(db.schema(), "r2-multi-operation");

            migrations.expand();
            assertThat(db.columns(next, "products")).containsExactly("id");
            try (Connection neu = db.dataSource(next).getConnection()) {
                exec(neu, "INSERT INTO products DEFAULT VALUES");
                assertThatThrownBy(() -> exec(neu, "INSERT INTO products (name) VALUES (?)", "apples"))
                        .isInstanceOf(SQLException.class).extracting(RenameTableTest::sqlState)
                        .isEqualTo(UNDEFINED_COLUMN);
                assertThatThrownBy(() -> exec(neu, "INSERT INTO items (name) VALUES (?)", "apples"))
                        .isInstanceOf(SQLException.class).extracting(RenameTableTest::sqlState)
                        .isEqualTo(UNDEFINED_TABLE);
            }
            assertThat(db.rows("SELECT id, name FROM " + first + ".items ORDER BY id")).containsExactly(List.of(1L, "foo"));

            migrations.rollback();
            assertThat(db.objects()).as("the physical schema after rollback").isEqualTo(before);
            write(db, first, "INSERT INTO items (name) VALUES (?)", "bananas");

            migrations.expand();
            migrations.contract();
            assertThat(db.columns(db.schema(), "products")).containsExactly("id");
            assertThat(db.rows("SELECT id FROM " + next + ".products ORDER BY id"))
                    .containsExactly(List.of(1L), List.of(2L));
        }
    }

    /**
     * H2 has no version schemas: the new name is the physical view, on which no column can be added or
     * renamed, so both are refused there before anything runs.
     */
    @ParameterizedTest
    @MethodSource("onTheNewName")
    void onH2NoChangeMayNameTheNewNameLaterInTheRenamesChangeSet(String changelog) throws Exception {
        try (TestDatabase db = TestDatabase.open("h2", "rename_table_h2")) {
            ExpandContract migrations = afterRelease1(db, changelog);
            TreeSet<String> before = db.objects();

            assertThatThrownBy(migrations::expand).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("names table products, which expandRenameTable renames from items to products"
                            + " earlier in this change set");
            assertThat(migrations.status()).isEmpty();
            assertThat(db.objects()).isEqualTo(before);
        }
    }

    static Stream<String> onTheNewName() {
        return Stream.of("renametable/rename-and-add.yaml", "renametable/rename-and-rename-column.yaml");
    }

    /** Release 1 run; then the migrations of the change log. */
    private static ExpandContract afterRelease1(TestDatabase db, String changelog) {
        builder(db, TABLES).expand();
        return builder(db, changelog);
    }

    private static String sqlState(Throwable e) {
        return ((SQLException) e).getSQLState();
    }

    private static ExpandContract builder(TestDatabase db, String changelog) {
        return ExpandContract.builder(db.dataSource(), changelog).backfillPause(Duration.ZERO).bakeTime(Duration.ZERO).build();
    }

    private static void write(TestDatabase db, String schema, String sql, Object value) throws Exception {
        try (Connection connection = db.dataSource(schema).getConnection()) {
            exec(connection, sql, value);
        }
    }
}
