package dev.rollback.liquibase.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What other changes may say about a table whose {@code expandRenameTable} is pending (expanded, not
 * contracted). Until contract the table has its old name physically and the new name is a view over
 * it, so a change acting on the table by either name, a foreign key referencing it, or SQL mentioning
 * it would act on the view, or on a table the new version's schema no longer shows by that name: such a
 * change is refused before anything changes. Some changes on the new name are allowed on PostgreSQL,
 * where the version schemas show each version its own names: a column rename (an alias over the alias,
 * nothing physical until contract, which renames the table first), and a column added or dropped and an
 * index created, which act on the physical table under its old name until the table's rename is
 * contracted ({@link #PHYSICAL}).
 */
public final class TableRenames {

    /**
     * The spec property naming the physical table of a change given on a pending rename's new name:
     * its steps act on it while it has that name, then (the rename contracted) on the new one.
     */
    static final String PHYSICAL = "state.physicalTable";

    /** The changes allowed on a pending rename's new name (PostgreSQL). */
    private static final List<Kind> ON_THE_NEW_NAME = List.of(Kind.RENAME_COLUMN, Kind.ADD_COLUMN, Kind.DROP_COLUMN,
            Kind.CREATE_INDEX);

    /** The properties of a change that hold whole SQL statements ({@code expandSql}), which may name any table. */
    private static final List<String> STATEMENTS = List.of("sql", "rollbackSql");

    private TableRenames() {
    }

    /**
     * Where a change names the renamed table, by either name.
     *
     * @param kind       the change's kind
     * @param properties the change's properties by name (null where unset)
     * @param from       the table's name before the rename
     * @param to         its name after the rename
     * @param postgres   whether the database is PostgreSQL
     * @return how the change names it ({@code "its tableName names table items"}), or null if it does not
     *     or may (on PostgreSQL, one of {@link #allowed} on the new name)
     */
    public static @Nullable String naming(Kind kind, Function<String, @Nullable String> properties, String from,
                                          String to, boolean postgres) {
        List<String> sql = new ArrayList<>(SqlNames.EXPRESSIONS);
        sql.addAll(STATEMENTS);
        for (String property : List.of("tableName", "referencedTableName")) {
            String table = properties.apply(property);
            boolean alias = postgres && ON_THE_NEW_NAME.contains(kind) && property.equals("tableName")
                    && same(table, to);
            if (table != null && !alias && (same(table, from) || same(table, to))) {
                return "its " + property + " names table " + table;
            }
        }
        for (String property : sql) {
            String text = properties.apply(property);
            if (text == null) {
                continue;
            }
            for (String name : SqlNames.identifiers(text)) {
                if (same(name, from) || same(name, to)) {
                    return "its " + property + " '" + text + "' names table " + name;
                }
            }
        }
        return null;
    }

    /**
     * Before a change's first expand: refuses it if it names a table whose rename another migration,
     * not yet contracted, expanded; records the physical table of one allowed on the new name.
     *
     * @param work the change's expand, before it changes anything
     * @return the change's spec, with {@link #PHYSICAL} where it acts on a renamed table's new name
     */
    static MigrationSpec resolve(Work work) {
        if (!work.hasTable(PhaseTable.TABLE)) {
            return work.spec;
        }
        MigrationSpec spec = work.spec;
        for (PhaseTable.Row row : work.catalog(() -> PhaseTable.all(work.connection))) {
            MigrationSpec rename = row.spec();
            if (rename.kind() != Kind.RENAME_TABLE || !VersionSchemas.ACTIVE.contains(row.phase())) {
                continue;
            }
            String from = rename.table();
            String to = rename.require("newTableName");
            String named = naming(work.spec.kind(), work::get, from, to, work.dialect.isPostgres());
            if (named != null) {
                throw work.error(named + ", which expandRenameTable of " + row.ref() + " renames " + from + " to " + to
                        + ": until that rename is contracted the table is " + from + " physically and " + to
                        + " is a view over it, so no other change can act on it, reference it or mention it by either"
                        + " name (but " + allowed(to) + "). Put this change in a change set that runs after that"
                        + " contract, then run expand again; nothing was changed.", null);
            }
            if (same(spec.table(), to)) {
                spec = spec.with(PHYSICAL, from);
            }
        }
        return spec;
    }

    /**
     * The table a migration's steps act on: the physical table under its old name while a rename of it
     * is pending, else the table the change names.
     */
    static String physical(Work work) {
        String physical = work.spec.get(PHYSICAL);
        return physical != null && work.hasTable(physical) && !work.hasView(physical) ? physical : work.spec.table();
    }

    /** The physical table of a migration while it is in progress (its table's rename pending, if any). */
    static String physical(MigrationSpec spec) {
        String physical = spec.get(PHYSICAL);
        return physical != null ? physical : spec.table();
    }

    /**
     * @param to a pending rename's new name
     * @return the changes allowed on it, for a message: {@code "expandRenameColumn, ... on products, PostgreSQL"}
     */
    public static String allowed(String to) {
        List<String> names = ON_THE_NEW_NAME.stream().map(Kind::changeName).toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1) + " on "
                + to + ", PostgreSQL";
    }

    private static boolean same(@Nullable String a, String b) {
        return a != null && a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }
}
