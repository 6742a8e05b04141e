package dev.rollback.liquibase.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A shadow column on PostgreSQL: a column change the previous version must not see (a new NOT
 * NULL, check, foreign key or unique rule) goes on a new physical column that the new version's
 * schema shows under the old column's name, while the old column keeps exactly what it had.
 *
 * <p>A trigger on every insert and update tells the two versions apart by the first schema on the
 * writer's {@code search_path}: a write through the new version's schema sets the old column to
 * {@code down} of the new value; any other write sets the shadow column to {@code up} of the row, so
 * a value the new rule refuses is mapped (e.g. a dangling reference to NULL) and the old version's
 * writes never fail. Existing rows are backfilled with {@code up}. Contract drops the old column and
 * gives the shadow column its name; rollback drops the shadow column.
 */
final class Shadow {

    private Shadow() {
    }

    /** @return the shadow column's name */
    static String column(Work work) {
        return column(work.helper);
    }

    /** @return the shadow column's name for a migration's helper suffix */
    static String column(String helper) {
        return "rb_new_" + helper;
    }

    /** @return the expression with every reference to {@code column} made one to {@code replacement} */
    static String rebind(String expression, String column, String replacement) {
        return Pattern.compile("(?i)(?<![A-Za-z0-9_.])" + Pattern.quote(column) + "(?![A-Za-z0-9_])")
                .matcher(expression).replaceAll(Matcher.quoteReplacement(replacement));
    }

    /**
     * Adds the shadow column of {@code column} (same type, same default, nothing else), the trigger
     * and the backfill; then the new rule, if any, {@code NOT VALID} on the shadow column.
     *
     * @param up         the shadow value from the old row
     * @param down       the old column's value from the new row (the column's name meaning the new
     *                   value), or null for the new value itself
     * @param constraint the constraint's definition over the shadow column, or null
     */
    static void expand(Work work, String column, String up, String down, String constraint) {
        String table = work.table();
        String shadow = column(work);
        if (!work.hasColumn(table, shadow)) {
            ColumnInfo info = work.column(table, column);
            List<String> statements = new ArrayList<>();
            statements.add("ALTER TABLE " + table + " ADD COLUMN " + shadow + " " + info.type());
            String def = work.spec.kind().shadowDefault(work, column);
            if (def != null) {
                // SET DEFAULT, unlike ADD COLUMN ... DEFAULT, never rewrites the table, even for a volatile default
                statements.add("ALTER TABLE " + table + " ALTER COLUMN " + shadow + " SET DEFAULT " + def);
            }
            work.atomically("add the shadow column of " + column, statements);
        }
        work.sql("create the shadow trigger function", trigger(work, column, up, down));
        if (!work.hasTrigger(Dialect.triggerName(work.helper))) {
            work.sql("create the shadow trigger", "CREATE TRIGGER " + Dialect.triggerName(work.helper)
                    + " BEFORE INSERT OR UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
                    + Dialect.functionName(work.helper) + "()");
        }
        work.backfill(shadow, up, "TRUE");
        String name = work.get("constraintName") == null ? work.name("rb_nn") : work.get("constraintName");
        if (constraint != null && !work.hasConstraint(table, name)) {
            work.sql("add constraint " + name + " to the shadow column", work.dialect.addConstraintUnchecked(table, name,
                    constraint));
        }
    }

    /**
     * The trigger function: the writer's version decides which side is derived from which. A write
     * through the new version's schema copies the new value to the old column when it changed (a
     * rule that only narrows the values needs no {@code down}: the value itself is the old version's;
     * a rule that widens them maps the new value by {@code down}); any other write sets
     * the shadow column to {@code up} of the row, every time, so a value derived from other columns
     * follows them.
     */
    private static String trigger(Work work, String column, String up, String down) {
        String shadow = column(work);
        String upValue = PostgresDialect.value(up);
        String downValue = down == null ? "NEW." + shadow : PostgresDialect.value(rebind(down, column, shadow));
        return "CREATE OR REPLACE FUNCTION " + Dialect.functionName(work.helper)
                + "() RETURNS trigger LANGUAGE plpgsql AS $rb$\nBEGIN\n"
                + "  IF current_setting('rollback.backfill', true) = 'on' THEN RETURN NEW; END IF;\n"
                + "  IF " + VersionSchemas.newWrite(work) + " THEN\n"
                + "    IF TG_OP = 'INSERT' OR NEW." + shadow + " IS DISTINCT FROM OLD." + shadow + " THEN\n"
                + "      NEW." + column + " := " + downValue + ";\n"
                + "    END IF;\n"
                + "  ELSE\n"
                + "    NEW." + shadow + " := " + upValue + ";\n"
                + "  END IF;\n"
                + "  RETURN NEW;\nEND\n$rb$";
    }

    /**
     * Contract: the rule validated on the existing rows, the shadow column made NOT NULL if the rule
     * or the old column says so, then in one transaction the trigger and the old column dropped and
     * the shadow column renamed to it.
     */
    static void contract(Work work, String column) {
        String table = work.table();
        String shadow = column(work);
        if (!work.hasColumn(table, shadow)) {
            return; // renamed already: an interrupted contract after its last statement
        }
        String name = work.get("constraintName");
        if (name != null && work.hasConstraint(table, name)) {
            work.sql("validate constraint " + name, "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + name);
        }
        String notNull = work.name("rb_nn");
        if (work.spec.kind().shadowKeepsNotNull() && work.column(table, column).notNull()) {
            // not at expand: up may map an old write to NULL (a dangling reference), which the old version allows;
            // during expand the old column's own NOT NULL refuses a new write of NULL
            work.addCheckUnchecked(table, notNull, shadow + " IS NOT NULL");
        }
        if (work.hasConstraint(table, notNull)) {
            work.setNotNullFromCheck(table, shadow, notNull);
        }
        List<String> statements = new ArrayList<>(work.dialect.dropSyncTrigger(table, work.helper));
        statements.add("ALTER TABLE " + table + " DROP COLUMN " + column);
        statements.add("ALTER TABLE " + table + " RENAME COLUMN " + shadow + " TO " + column);
        work.atomically("replace " + column + " by its shadow column", statements);
    }

    /** Rollback: the trigger and the shadow column (with its rule) dropped; the old column is as it was. */
    static void rollback(Work work) {
        // in one transaction: without the trigger the rule on the shadow column would refuse old writes,
        // without the column the trigger would fail
        List<String> statements = new ArrayList<>(work.dialect.dropSyncTrigger(work.table(), work.helper));
        if (work.hasColumn(work.table(), column(work))) {
            statements.add(0, "ALTER TABLE " + work.table() + " DROP COLUMN " + column(work));
        }
        work.atomically("drop the shadow column and its trigger", statements);
    }

    /** The column's default as SQL, or null. */
    static String defaultOf(Work work, String column) {
        return work.catalog(() -> {
            try (PreparedStatement query = work.connection.prepareStatement("SELECT pg_get_expr(d.adbin, d.adrelid)"
                    + " FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
                    + " JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = current_schema() AND c.relname = ? AND a.attname = ?")) {
                query.setString(1, work.dialect.stored(work.table()));
                query.setString(2, work.dialect.stored(column));
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? row.getString(1) : null;
                }
            }
        });
    }
}
