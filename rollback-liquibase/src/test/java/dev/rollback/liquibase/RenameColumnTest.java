package dev.rollback.liquibase;

import static dev.rollback.liquibase.Scenario.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code expandRenameColumn} on the real PostgreSQL as pgroll renames: an alias with no copy. Expand
 * changes nothing physical (catalog and {@code relfilenode} as before: no column, trigger or backfill);
 * the new version's schema shows the old column under the new name; rollback drops that schema and
 * leaves the table as it was; contract renames the column, its index follows and the newest version's
 * schema is made anew. Each case names the pgroll test it comes from ({@code pkg/migrations/
 * op_rename_column_test.go}, {@code op_change_type_test.go}, {@code op_set_notnull_test.go}).
 */
class RenameColumnTest {

    /** The change set of release 1 in the {@code items} cases: the table {@code items (id, name)}. */
    private static final String ITEMS = "r1-create-items";
    /** The change set of release 2 in the {@code items} cases that do several things in one. */
    private static final String MULTI = "r2-multi-operation";
    /** SQLSTATE undefined_column. */
    private static final String UNDEFINED_COLUMN = "42703";
    /** A table whose foreign key references {@code users}, made after release 1 of the {@code users} cases. */
    private static final String POSTS = "CREATE TABLE posts (id BIGINT PRIMARY KEY, author VARCHAR(255))";

    /** From {@code TestOpRenameColumn}, "rename column". */
    @Test
    void theNewVersionSeesTheOldColumnUnderItsNewNameAndNothingPhysicalChangesUntilContract() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_alias")) {
            ExpandContract.builder(db.dataSource(), "rename/users.yaml").build().expand();
            TreeSet<String> before = db.objects();
            Map<String, Long> files = db.relfilenodes();
            ExpandContract migrations = builder(db, "rename/rename-column.yaml");
            String previous = VersionSchema.name(db.schema(), "r1-create-users");
            String next = VersionSchema.name(db.schema(), "r2-rename-column");

            migrations.expand();
            assertThat(db.objects()).as("the physical schema after expand: no column, trigger or index added").isEqualTo(before);
            assertThat(db.relfilenodes()).as("no table rewritten").containsAllEntriesOf(files);
            assertThat(db.columns(next, "users")).containsExactly("id", "name");
            assertThat(db.columns(previous, "users")).containsExactly("id", "username");
            try (Connection neu = db.dataSource(next).getConnection();
                 Connection old = db.dataSource(previous).getConnection();
                 Connection physical = db.dataSource().getConnection()) {
                exec(neu, "INSERT INTO users (name) VALUES (?)", "alice");
                exec(old, "INSERT INTO users (username) VALUES (?)", "bob");
                // a writer on the physical schema (Liquibase, an app kept there) sees the old name only, as the old version
                assertThatThrownBy(() -> exec(physical, "UPDATE users SET name = ? WHERE id = ?", "x", 1L))
                        .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
                        .isEqualTo(UNDEFINED_COLUMN);
                // the unique index on the column is the new version's too
                assertThatThrownBy(() -> exec(neu, "INSERT INTO users (name) VALUES (?)", "bob"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("users_username_idx");
            }
            assertThat(db.rows("SELECT id, name FROM " + next + ".users ORDER BY id"))
                    .containsExactly(List.of(1L, "alice"), List.of(2L, "bob"));

            migrations.rollback();
            assertThat(db.objects()).as("the physical schema after rollback").isEqualTo(before);
            assertThat(db.relfilenodes()).as("no table rewritten by rollback").containsAllEntriesOf(files);
            assertThat(db.schemas()).containsExactly(previous);
            assertThat(db.rows("SELECT id, username FROM users ORDER BY id"))
                    .containsExactly(List.of(1L, "alice"), List.of(2L, "bob"));

            migrations.expand();
            migrations.contract();
            assertThat(db.columns(db.schema(), "users")).as("renamed physically").containsExactly("id", "name");
            assertThat(db.objects()).as("the index follows the rename")
                    .contains("index definition create unique index users_username_idx on users using btree (name)");
            assertThat(db.schemas()).containsExactly(next);
            try (Connection neu = db.dataSource(next).getConnection()) {
                exec(neu, "INSERT INTO users (name) VALUES (?)", "carol");
            }
            assertThat(db.rows("SELECT id, name FROM " + next + ".users ORDER BY id"))
                    .containsExactly(List.of(1L, "alice"), List.of(2L, "bob"), List.of(4L, "carol")); // 3: the refused insert
        }
    }

    @Test
    void aContractInterruptedAfterTheRenameIsFinishedByRunningItAgain() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_resume")) {
            ExpandContract.builder(db.dataSource(), "rename/users.yaml").build().expand();
            ExpandContract migrations = builder(db, "rename/rename-column.yaml");
            migrations.expand();
            // as if the process died right after the rename: the column renamed, the phase still CONTRACTING
            db.execute("UPDATE rollback_migration SET phase = 'CONTRACTING'", "ALTER TABLE users RENAME COLUMN username TO name");

            migrations.contract();
            String next = VersionSchema.name(db.schema(), "r2-rename-column");
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.CONTRACTED);
            assertThat(db.schemas()).containsExactly(next);
            assertThat(db.columns(db.schema(), "users")).containsExactly("id", "name");
            assertThat(db.columns(next, "users")).containsExactly("id", "name");
        }
    }

    /** From {@code TestRenameColumnInMultiOperationMigrations}, "add column, rename column". */
    @Test
    void aColumnAddedThenRenamedInOneChangeSetIsOneColumnUnderTheNewName() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_added")) {
            ExpandContract migrations = afterItems(db, "rename/add-and-rename.yaml");
            TreeSet<String> before = db.objects();
            String next = VersionSchema.name(db.schema(), MULTI);

            migrations.expand();
            assertThat(db.columns(next, "items")).containsExactly("id", "name", "item_description");
            try (Connection neu = db.dataSource(next).getConnection()) {
                exec(neu, "INSERT INTO items (name, item_description) VALUES (?, ?)", "apples", "amazing");
                assertThatThrownBy(() -> exec(neu, "INSERT INTO items (name, description) VALUES (?, ?)", "bananas", "x"))
                        .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
                        .isEqualTo(UNDEFINED_COLUMN);
            }
            assertThat(db.rows("SELECT id, name, item_description FROM " + next + ".items"))
                    .containsExactly(List.of(1L, "apples", "amazing"));

            migrations.rollback();
            assertThat(db.objects()).as("the table cleaned up").isEqualTo(before);

            migrations.expand();
            migrations.contract();
            try (Connection neu = db.dataSource(next).getConnection()) {
                exec(neu, "INSERT INTO items (name, item_description) VALUES (?, ?)", "bananas", "brilliant");
            }
            assertThat(db.columns(db.schema(), "items")).containsExactly("id", "name", "item_description");
            assertThat(db.rows("SELECT id, name, item_description FROM " + next + ".items ORDER BY id")).as("the value"
                    + " archived by the rollback came back with the second expand").containsExactly(
                    List.of(1L, "apples", "amazing"), List.of(2L, "bananas", "brilliant"));
        }
    }

    /**
     * From {@code TestRenameColumnInMultiOperationMigrations}, "rename table, rename column", and from
     * {@code op_change_type_test.go}, "rename table, rename column, change type", in the order and form
     * our changes take: {@code expandChangeColumnType} names its new column itself, so the retype from
     * the old name to the final one, on the old table name, then the table's rename, give the new
     * version pgroll's shape ({@code products (id, item_name text)}) with no column rename. Each version
     * writes through its own names through expand, rollback, a second expand and contract.
     */
    @ParameterizedTest
    @MethodSource("tableRenames")
    void aTableRenamedWithOneOfItsColumnsInOneChangeSet(String changelog, String itemNameType) throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_both")) {
            ExpandContract migrations = afterItems(db, changelog);
            String previous = VersionSchema.name(db.schema(), ITEMS);
            String next = VersionSchema.name(db.schema(), MULTI);
            String type = "SELECT data_type FROM information_schema.columns WHERE table_schema = '%s'"
                    + " AND table_name = 'products' AND column_name = 'item_name'";

            migrations.expand();
            insert(db, previous, "INSERT INTO items (name) VALUES (?)", "apples");
            insert(db, next, "INSERT INTO products (item_name) VALUES (?)", "bananas");
            assertThat(db.columns(next, "products")).containsExactly("id", "item_name");
            assertThat(db.rows(type.formatted(next))).containsExactly(List.of(itemNameType));
            assertThat(db.rows("SELECT id, item_name FROM " + next + ".products ORDER BY id"))
                    .containsExactly(List.of(1L, "apples"), List.of(2L, "bananas"));
            assertThat(db.rows("SELECT id, name FROM " + previous + ".items ORDER BY id"))
                    .containsExactly(List.of(1L, "apples"), List.of(2L, "bananas"));

            migrations.rollback();
            insert(db, previous, "INSERT INTO items (name) VALUES (?)", "carrots");
            migrations.expand();
            migrations.contract();
            insert(db, next, "INSERT INTO products (item_name) VALUES (?)", "durian");
            assertThat(db.columns(db.schema(), "products")).containsExactly("id", "item_name");
            assertThat(db.rows(type.formatted(db.schema()))).containsExactly(List.of(itemNameType));
            assertThat(db.rows("SELECT id, item_name FROM " + next + ".products ORDER BY id")).containsExactly(
                    List.of(1L, "apples"), List.of(2L, "bananas"), List.of(3L, "carrots"), List.of(4L, "durian"));
        }
    }

    static Stream<Arguments> tableRenames() {
        return Stream.of(Arguments.of("rename/rename-table-and-column.yaml", "character varying"),
                Arguments.of("rename/retype-then-rename-table.yaml", "text"));
    }

    /**
     * From {@code op_set_notnull_test.go}, "rename table, rename column, set not null", in the order
     * an alias allows: the rule first, on the old name, then the rename; the new name shows the shadow column.
     */
    @Test
    void aColumnGivenARuleThenRenamedInOneChangeSetShowsTheRuleUnderTheNewName() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_ruled")) {
            ExpandContract migrations = afterItems(db, "rename/not-null-then-rename.yaml");
            String previous = VersionSchema.name(db.schema(), ITEMS);
            String next = VersionSchema.name(db.schema(), MULTI);

            migrations.expand();
            insert(db, previous, "INSERT INTO items (name) VALUES (?)", (Object) null);
            try (Connection neu = db.dataSource(next).getConnection()) {
                assertThatThrownBy(() -> exec(neu, "INSERT INTO items (item_name) VALUES (?)", (Object) null))
                        .as("the new version's NOT NULL under the new name").isInstanceOf(SQLException.class);
                exec(neu, "INSERT INTO items (item_name) VALUES (?)", "pears");
            }
            // id 2 went to the refused insert
            assertThat(db.rows("SELECT id, item_name FROM " + next + ".items ORDER BY id"))
                    .containsExactly(List.of(1L, "unnamed"), List.of(3L, "pears"));
            assertThat(db.rows("SELECT id, name FROM " + previous + ".items ORDER BY id"))
                    .containsExactly(Arrays.asList(1L, null), List.of(3L, "pears"));

            migrations.contract();
            assertThat(db.columns(db.schema(), "items")).containsExactly("id", "item_name");
            assertThat(db.objects()).contains("column items.item_name character varying nullable=no");
            assertThat(db.rows("SELECT id, item_name FROM " + next + ".items ORDER BY id"))
                    .containsExactly(List.of(1L, "unnamed"), List.of(3L, "pears"));
        }
    }

    /**
     * From {@code op_change_type_test.go}, "rename table, rename column, change type": a change of
     * the renamed column after the rename in the same change set is refused before anything runs.
     */
    @Test
    void aChangeOfTheRenamedColumnLaterInTheChangeSetIsRefusedBeforeAnythingRuns() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_refused")) {
            ExpandContract migrations = afterItems(db, "rename/rename-then-retype.yaml");
            TreeSet<String> before = db.objects();
            List<String> schemas = db.schemas();

            assertThatThrownBy(migrations::expand).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("expandChangeColumnType on products names item_name, item_text")
                    .hasMessageContaining("renames from name to item_name earlier in this change set")
                    .hasMessageContaining("put this change before the rename (on name)");
            assertThat(migrations.status()).isEmpty();
            assertThat(db.objects()).isEqualTo(before);
            assertThat(db.schemas()).isEqualTo(schemas);
        }
    }

    /**
     * From {@code TestRenameColumnInMultiOperationMigrations}, "rename column, drop column", in two
     * change sets: the drop of the new name waits for the rename's contract.
     */
    @Test
    void aLaterChangeSetNamingTheRenamedColumnWaitsForTheRenamesContract() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_later")) {
            ExpandContract migrations = afterItems(db, "rename/rename-then-drop.yaml");
            TreeSet<String> before = db.objects();

            assertThatThrownBy(migrations::expand).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("rename-then-drop.yaml::r3-drop-column::test")
                    .hasMessageContaining("column item_name is the new name that expandRenameColumn of")
                    .hasMessageContaining("r2-rename-column")
                    .hasMessageContaining("nothing was changed");
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.EXPANDED);
            assertThat(db.objects()).as("the rename expanded, nothing physical").isEqualTo(before);
        }
    }

    /**
     * A change set after the rename's that references the renamed column from another table's foreign key
     * ({@code op_set_fk_test.go}: the referenced column must exist in the version the migration starts
     * from) or mentions it in a partial index's {@code where} ({@code op_create_index_test.go}, "create
     * partial index") or a check's condition ({@code op_set_check_test.go}), by its new name or its old
     * one: refused when its expand starts, naming the property, the rename and what to do; the rename
     * stays expanded and nothing else changed.
     */
    @ParameterizedTest
    @MethodSource("laterReferences")
    void aLaterChangeSetReferencingOrMentioningTheRenamedColumnIsRefusedWithNothingChanged(String changelog, String id,
                                                                                           String refusal) throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_reference")) {
            ExpandContract.builder(db.dataSource(), "rename/users.yaml").build().expand();
            db.execute(POSTS);
            ExpandContract migrations = builder(db, changelog);
            TreeSet<String> before = db.objects();

            assertThatThrownBy(migrations::expand).isInstanceOf(MigrationException.class)
                    .hasMessageContaining(changelog + "::" + id + "::test")
                    .hasMessageContaining(refusal)
                    .hasMessageContaining("rename-column.yaml::r2-rename-column::test")
                    .hasMessageContaining("Put this change in a change set that runs after")
                    .hasMessageContaining("nothing was changed");
            assertThat(migrations.status()).singleElement().satisfies(status -> {
                assertThat(status.phase()).isEqualTo(MigrationPhase.EXPANDED);
                assertThat(status.changeType()).isEqualTo("expandRenameColumn");
            });
            assertThat(db.objects()).as("the rename expanded, nothing physical").isEqualTo(before);
            assertThat(db.schemas()).containsExactly(db.schema() + "_r1_create_users", db.schema() + "_r2_rename_column");
        }
    }

    static Stream<Arguments> laterReferences() {
        return Stream.of(
                Arguments.of("rename/fk-new-name.yaml", "r3-reference", "referencedColumnNames (name) names column name of"
                        + " users, which is the new name that expandRenameColumn of"),
                Arguments.of("rename/fk-old-name.yaml", "r3-reference", "referencedColumnNames (username) names column"
                        + " username of users, which is renamed to name by expandRenameColumn of"),
                Arguments.of("rename/partial-index-new-name.yaml", "r3-partial-index", "where 'name <> ''' names column name"
                        + " of users, which is the new name that expandRenameColumn of"),
                Arguments.of("rename/check-old-name.yaml", "r3-check", "condition 'id > 0 AND \"username\" <> 'name'' names"
                        + " column username of users, which is renamed to name by expandRenameColumn of"));
    }

    /**
     * The same references later in the rename's own change set: refused by Liquibase's validation
     * before anything runs, as a change naming the column is.
     */
    @ParameterizedTest
    @MethodSource("referencesInTheSameChangeSet")
    void aReferenceToTheRenamedColumnLaterInItsChangeSetIsRefusedBeforeAnythingRuns(String changelog, String refusal)
            throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "rename_reference_same")) {
            ExpandContract.builder(db.dataSource(), "rename/users.yaml").build().expand();
            db.execute(POSTS);
            ExpandContract migrations = builder(db, changelog);
            TreeSet<String> before = db.objects();
            List<String> schemas = db.schemas();

            assertThatThrownBy(migrations::expand).isInstanceOf(MigrationException.class)
                    .hasMessageContaining(refusal)
                    .hasMessageContaining("put this change before the rename (on username), or in a change set that"
                            + " runs after the rename's contract");
            assertThat(migrations.status()).isEmpty();
            assertThat(db.objects()).isEqualTo(before);
            assertThat(db.schemas()).isEqualTo(schemas);
        }
    }

    static Stream<Arguments> referencesInTheSameChangeSet() {
        return Stream.of(
                Arguments.of("rename/rename-then-reference.yaml", "expandAddForeignKey on posts references users (name),"
                        + " which expandRenameColumn renames from username to name earlier in this change set"),
                Arguments.of("rename/rename-then-partial-index.yaml", "expandCreateIndex on users: its where"
                        + " 'LOWER(username) <> 'x'' names username or name, which expandRenameColumn renames from"
                        + " username to name earlier in this change set"));
    }

    /** Release 1 of the {@code items} cases run; then the migrations of the change log. */
    private static ExpandContract afterItems(TestDatabase db, String changelog) {
        ExpandContract.builder(db.dataSource(), "rename/items.yaml").build().expand();
        return builder(db, changelog);
    }

    private static ExpandContract builder(TestDatabase db, String changelog) {
        return ExpandContract.builder(db.dataSource(), changelog).backfillPause(Duration.ZERO).bakeTime(Duration.ZERO).build();
    }

    private static void insert(TestDatabase db, String schema, String sql, Object value) throws SQLException {
        try (Connection connection = db.dataSource(schema).getConnection()) {
            exec(connection, sql, value);
        }
    }
}
