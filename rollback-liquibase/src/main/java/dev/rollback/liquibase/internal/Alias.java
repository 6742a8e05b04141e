package dev.rollback.liquibase.internal;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A column renamed as an alias on PostgreSQL, as pgroll renames: expand changes nothing physical
 * (no column, no trigger, no backfill), the new version's schema shows the old column under its new
 * name; contract renames the column, and its indexes, constraints and the views over it follow;
 * rollback has nothing physical to undo (the new version's schema goes, as for every migration).
 *
 * <p>Until contract the new name exists only in the new version's schema, and the old name only for
 * the versions before the rename (and the physical schema), so no other change may name either: it
 * is refused before anything changes.
 */
final class Alias {

    /** The spec property saying that a rename is an alias (found at its first expand: PostgreSQL). */
    static final String FLAG = "state.alias";

    private Alias() {
    }

    /** @return whether the migration renames as an alias */
    static boolean on(MigrationSpec spec) {
        return spec.flag(FLAG);
    }

    /** Contract: the physical rename, unless an interrupted contract did it already. */
    static void contract(Work work) {
        String from = work.require("columnName");
        String to = work.require("newColumnName");
        if (work.hasColumn(work.table(), from) && !work.hasColumn(work.table(), to)) {
            work.sql("rename column " + from + " to " + to, "ALTER TABLE " + work.table() + " RENAME COLUMN " + from
                    + " TO " + to);
        }
    }

    /**
     * Refuses a change that names a column an alias not yet contracted renames, by either name: the
     * new name is no physical column yet, and the versions after the rename no longer know the old one.
     */
    static void refusePending(Work work, String column) {
        refusePending(work, work.spec.table(), List.of(column), null);
    }

    /**
     * Refuses a change whose foreign key references ({@code referencedColumnNames}), or one of whose SQL
     * expressions ({@link SqlNames#EXPRESSIONS}) mentions, a column an alias not yet contracted renames,
     * by either name, as a change naming it is refused: the foreign key's trigger and check, the index's
     * predicate and the trigger functions that compute the expressions name the column physically, by
     * the name that contract changes.
     */
    static void refusePendingReferences(Work work) {
        String referenced = work.get("referencedTableName");
        String referencedColumns = work.get("referencedColumnNames");
        if (referenced != null && referencedColumns != null) {
            refusePending(work, referenced, Kind.columns(referencedColumns), "referencedColumnNames");
        }
        for (String property : SqlNames.EXPRESSIONS) {
            String sql = work.get(property);
            if (sql != null) {
                refusePending(work, work.spec.table(), List.copyOf(SqlNames.identifiers(sql)), property);
            }
        }
    }

    /**
     * Refuses the change if one of {@code columns} of {@code table} has a pending rename.
     *
     * @param property the property of the change that names them, null for the column it acts on
     */
    private static void refusePending(Work work, String table, List<String> columns, @Nullable String property) {
        if (!work.hasTable(PhaseTable.TABLE)) {
            return;
        }
        for (PhaseTable.Row row : work.catalog(() -> PhaseTable.all(work.connection))) {
            MigrationSpec spec = row.spec();
            if (!on(spec) || !VersionSchemas.ACTIVE.contains(row.phase()) || !same(spec.table(), table)) {
                continue;
            }
            String from = spec.require("columnName");
            String to = spec.require("newColumnName");
            for (String column : columns) {
                String named = property == null ? "column " + column : property + " " + quoted(work, property)
                        + " names column " + column + " of " + table + ", which";
                if (same(column, to)) {
                    throw work.error(named + " is the new name that expandRenameColumn of " + row.ref() + " gives "
                            + from + "; until that rename is contracted, " + column + " is no physical column but an"
                            + " alias in the new version's schema, so no other change can act on it. Put this change in"
                            + " a change set that runs after the contract of the rename (or, in the same change set,"
                            + " before the rename, on " + from + "), then run expand again; nothing was changed.", null);
                }
                if (same(column, from)) {
                    throw work.error(named + " is renamed to " + to
                            + " by expandRenameColumn of " + row.ref() + ", so the versions after it know it only as "
                            + to + ", which is no physical column until the rename is contracted. Put this change in a"
                            + " change set that runs after that contract, then run expand again; nothing was changed.",
                            null);
                }
            }
        }
    }

    private static String quoted(Work work, String property) {
        return property.equals("referencedColumnNames") ? "(" + work.require(property) + ")"
                : "'" + work.require(property) + "'";
    }

    private static boolean same(String a, String b) {
        return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }
}
