package dev.rollback.liquibase.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A shadow column on PostgreSQL: a column change the previous version must not see (a new NOT
 * NULL, check, foreign key or unique rule) goes on a new physical column that the new version's
 * schema shows under the old column's name, while the old column keeps exactly what it had. A rule
 * over several columns gives each of them a shadow column, kept by one trigger.
 *
 * <p>A trigger on every insert and update tells the two versions apart by the first schema on the
 * writer's {@code search_path}: a write through the new version's schema sets the old column to
 * {@code down} of the new value; any other write sets the shadow column to {@code up} of the row, so
 * a value the new rule refuses is mapped (e.g. a dangling reference to NULL) and the old version's
 * writes never fail. Existing rows are backfilled with {@code up}. Contract drops the old column and
 * gives the shadow column its name; rollback drops the shadow column.
 */
final class Shadow {

    /** In an {@code up} expression: the row's own {@code ctid}, NULL where the row is being written. */
    static final String SELF = "rb_self";

    private Shadow() {
    }

    /** @return the shadow column's name (of the rule's first column) */
    static String column(Work work) {
        return column(work.helper);
    }

    /** @return the shadow column's name for a migration's helper suffix (of the rule's first column) */
    static String column(String helper) {
        return column(helper, 0);
    }

    /**
     * @param helper the migration's helper suffix
     * @param index  the column's place in the rule
     * @return the name of the shadow column of the rule's column at {@code index}
     */
    static String column(String helper, int index) {
        return "rb_new_" + helper + (index == 0 ? "" : "_" + index);
    }

    /** @return the shadow columns of the given columns of a rule, in order */
    static List<String> columns(String helper, List<String> columns) {
        List<String> shadows = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            shadows.add(column(helper, i));
        }
        return shadows;
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
        expand(work, new Plan(List.of(column), List.of(up), down, constraint, false, null));
    }

    /**
     * What a rule's shadow columns are derived from.
     *
     * @param columns    the rule's columns, each given a shadow column
     * @param ups        per column, its shadow value from the old row; {@value #SELF} stands for the row's
     *                   {@code ctid} in the backfill (NULL in the trigger, where the row is not yet written)
     * @param down       the old column's value from the new row (one column only: the column's name
     *                   meaning the new value), or null for the new values themselves
     * @param constraint the constraint's definition over the shadow columns, or null
     * @param onChange   whether an old update sets the shadow columns only when it changes the rule's
     *                   columns (else on every write, so a value derived from other columns follows them)
     * @param newWrite   PL/pgSQL run first on every write through the new version's schema, or null
     */
    record Plan(List<String> columns, List<String> ups, String down, String constraint, boolean onChange,
                String newWrite) {
    }

    /**
     * Adds the shadow columns (same type, same default, nothing else), the trigger and the backfill;
     * then the new rule, if any, {@code NOT VALID} on the shadow columns.
     */
    static void expand(Work work, Plan plan) {
        prepare(work, plan);
        fill(work, plan);
    }

    /** The first half of {@link #expand(Work, Plan)}: the shadow columns and the trigger. */
    static void prepare(Work work, Plan plan) {
        String table = work.table();
        List<String> shadows = columns(work.helper, plan.columns());
        if (!work.hasColumn(table, shadows.get(shadows.size() - 1))) {
            List<String> statements = new ArrayList<>();
            for (int i = 0; i < shadows.size(); i++) {
                String column = plan.columns().get(i);
                String shadow = shadows.get(i);
                if (work.hasColumn(table, shadow)) {
                    continue;
                }
                statements.add("ALTER TABLE " + table + " ADD COLUMN " + shadow + " " + work.column(table, column).type());
                String def = work.spec.kind().shadowDefault(work, column);
                if (def != null) {
                    // SET DEFAULT, unlike ADD COLUMN ... DEFAULT, never rewrites the table, even for a volatile default
                    statements.add("ALTER TABLE " + table + " ALTER COLUMN " + shadow + " SET DEFAULT " + def);
                }
            }
            work.atomically("add the shadow column" + (shadows.size() == 1 ? "" : "s") + " of "
                    + String.join(", ", plan.columns()), statements);
        }
        work.sql("create the shadow trigger function", trigger(work, plan, shadows));
        if (!work.hasTrigger(Dialect.triggerName(work.helper))) {
            work.sql("create the shadow trigger", "CREATE TRIGGER " + Dialect.triggerName(work.helper)
                    + " BEFORE INSERT OR UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
                    + Dialect.functionName(work.helper) + "()");
        }
    }

    /** The second half of {@link #expand(Work, Plan)}: the backfill, then the rule. */
    static void fill(Work work, Plan plan) {
        String table = work.table();
        backfill(work, plan.columns(), plan.ups().stream().map(up -> rebind(up, SELF, "rb_row.ctid")).toList(), "TRUE");
        String name = work.get("constraintName") == null ? work.name("rb_nn") : work.get("constraintName");
        if (plan.constraint() != null && !work.hasConstraint(table, name)) {
            work.sql("add constraint " + name + " to the shadow column", work.dialect.addConstraintUnchecked(table, name,
                    plan.constraint()));
        }
    }

    /**
     * Sets the shadow columns of the rule's columns, in the backfill's batches, to the values over
     * the row {@code rb_row}, where {@code condition} holds.
     */
    static void backfill(Work work, List<String> columns, List<String> values, String condition) {
        List<String> shadows = columns(work.helper, columns);
        if (shadows.size() == 1) {
            work.backfill(shadows.get(0), values.get(0), condition);
        } else {
            work.backfill("(" + String.join(", ", shadows) + ")", "SELECT " + String.join(", ", values), condition);
        }
    }

    /**
     * The trigger function: the writer's version decides which side is derived from which. A write
     * through the new version's schema copies the new values to the old columns when one changed (a
     * rule that only narrows the values needs no {@code down}: the value itself is the old version's;
     * a rule that widens them maps the new value by {@code down}); any other write sets
     * the shadow columns to {@code up} of the row, every time unless {@code onChange}, so a value
     * derived from other columns follows them.
     */
    private static String trigger(Work work, Plan plan, List<String> shadows) {
        List<String> columns = plan.columns();
        StringBuilder toOld = new StringBuilder();
        StringBuilder toNew = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            String downValue = plan.down() == null ? "NEW." + shadows.get(i)
                    : PostgresDialect.value(rebind(plan.down(), columns.get(i), shadows.get(i)));
            toOld.append("      NEW.").append(columns.get(i)).append(" := ").append(downValue).append(";\n");
            toNew.append("    NEW.").append(shadows.get(i)).append(" := ")
                    .append(PostgresDialect.value(rebind(plan.ups().get(i), SELF, "NULL::tid"))).append(";\n");
        }
        String old = plan.onChange() ? "  ELSIF TG_OP = 'INSERT' OR " + changed(columns) + " THEN\n" : "  ELSE\n";
        return "CREATE OR REPLACE FUNCTION " + Dialect.functionName(work.helper)
                + "() RETURNS trigger LANGUAGE plpgsql AS $rb$\nBEGIN\n"
                + "  IF current_setting('rollback.backfill', true) = 'on' THEN RETURN NEW; END IF;\n"
                + "  IF " + VersionSchemas.newWrite(work) + " THEN\n"
                + (plan.newWrite() == null ? "" : "    " + plan.newWrite() + "\n")
                + "    IF TG_OP = 'INSERT' OR " + changed(shadows) + " THEN\n"
                + toOld
                + "    END IF;\n"
                + old
                + toNew
                + "  END IF;\n"
                + "  RETURN NEW;\nEND\n$rb$";
    }

    /** Whether an update changed any of the columns. */
    private static String changed(List<String> columns) {
        return "ROW(" + columns.stream().map(c -> "NEW." + c).collect(Collectors.joining(", ")) + ") IS DISTINCT FROM ROW("
                + columns.stream().map(c -> "OLD." + c).collect(Collectors.joining(", ")) + ")";
    }

    /**
     * Contract: the rule validated on the existing rows, the shadow column made NOT NULL if the rule
     * or the old column says so, then in one transaction the trigger and the old column dropped and
     * the shadow column renamed to it.
     */
    static void contract(Work work, String column) {
        contract(work, List.of(column));
    }

    /**
     * Contract of a rule's shadow columns: the rule validated on the existing rows, each shadow column
     * made NOT NULL where its old column is (if the kind keeps it), then in one transaction the
     * trigger and the old columns dropped and the shadow columns renamed to them.
     */
    static void contract(Work work, List<String> columns) {
        String table = work.table();
        List<String> shadows = columns(work.helper, columns);
        if (!work.hasColumn(table, shadows.get(0))) {
            return; // renamed already: an interrupted contract after its last statement
        }
        String name = work.get("constraintName");
        if (name != null && work.hasConstraint(table, name)) {
            work.sql("validate constraint " + name, "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + name);
        }
        for (int i = 0; i < columns.size(); i++) {
            String notNull = work.name("rb_nn") + (i == 0 ? "" : "_" + i);
            if (work.spec.kind().shadowKeepsNotNull() && work.column(table, columns.get(i)).notNull()) {
                // not at expand: up may map an old write to NULL (a dangling reference), which the old version allows;
                // during expand the old column's own NOT NULL refuses a new write of NULL
                work.addCheckUnchecked(table, notNull, shadows.get(i) + " IS NOT NULL");
            }
            if (work.hasConstraint(table, notNull)) {
                work.setNotNullFromCheck(table, shadows.get(i), notNull);
            }
        }
        List<String> statements = new ArrayList<>(work.dialect.dropSyncTrigger(table, work.helper));
        for (int i = 0; i < columns.size(); i++) {
            statements.add("ALTER TABLE " + table + " DROP COLUMN " + columns.get(i));
            statements.add("ALTER TABLE " + table + " RENAME COLUMN " + shadows.get(i) + " TO " + columns.get(i));
        }
        work.atomically("replace " + String.join(", ", columns) + " by " + (columns.size() == 1 ? "its shadow column"
                : "their shadow columns"), statements);
    }

    /** Rollback: the trigger and the shadow columns (with their rule) dropped; the old columns are as they were. */
    static void rollback(Work work) {
        rollback(work, List.of());
    }

    /** Rollback, in one transaction with {@code first}: other helpers that use the shadow columns. */
    static void rollback(Work work, List<String> first) {
        // in one transaction: without the trigger the rule on the shadow column would refuse old writes,
        // without the column the trigger would fail
        List<String> statements = new ArrayList<>(first);
        for (int i = 0; work.hasColumn(work.table(), column(work.helper, i)); i++) {
            statements.add("ALTER TABLE " + work.table() + " DROP COLUMN " + column(work.helper, i));
        }
        statements.addAll(work.dialect.dropSyncTrigger(work.table(), work.helper));
        work.atomically("drop the shadow column and its trigger", statements);
    }

    /**
     * The function that tells whether an old write would duplicate the new version's value of a
     * unique rule's columns (then {@code up} maps it to NULL, as a dangling reference is). Writes of
     * one value are serialised by an advisory transaction lock on it, taken by old and new writes
     * alike, and the function, being volatile, reads with a fresh snapshot after taking it: the
     * second of two concurrent writes sees the first once it has committed (READ COMMITTED).
     *
     * @return the {@code CREATE FUNCTION} statement
     */
    static String duplicateFunction(Work work, List<String> columns) {
        List<String> shadows = columns(work.helper, columns);
        List<String> parameters = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<String> matches = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            parameters.add("rb_v" + i + " " + work.column(work.table(), columns.get(i)).type());
            values.add("rb_v" + i);
            matches.add(shadows.get(i) + " = rb_v" + i);
        }
        return "CREATE OR REPLACE FUNCTION " + duplicateName(work) + "(" + SELF + " tid, " + String.join(", ", parameters)
                + ") RETURNS boolean LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $rb$\nBEGIN\n"
                + "  IF " + values.stream().map(v -> v + " IS NULL").collect(Collectors.joining(" OR "))
                + " THEN RETURN false; END IF;\n"
                + "  PERFORM pg_advisory_xact_lock(hashtext('" + work.helper + "'), hashtext(ROW("
                + String.join(", ", values) + ")::text));\n"
                + "  RETURN EXISTS (SELECT 1 FROM " + work.table() + " WHERE " + String.join(" AND ", matches)
                + " AND ctid IS DISTINCT FROM " + SELF + ");\nEND\n$rb$";
    }

    /** @return the duplicate function's name, qualified by the physical schema: the trigger runs on any search path */
    static String duplicateName(Work work) {
        return VersionSchemas.quote(work.catalog(work.connection::getSchema)) + ".rb_uq_" + work.helper;
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
