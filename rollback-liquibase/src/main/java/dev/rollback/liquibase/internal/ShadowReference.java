package dev.rollback.liquibase.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The referenced side of a foreign key on shadow columns (PostgreSQL). The key's {@code NOT VALID}
 * constraint also acts when a referenced row is deleted or its key changed: left alone, it would
 * refuse the previous version's delete of a row still referenced (or cascade it to rows that
 * version never saw deleted), which the previous version allows. So a trigger on the referenced
 * table first sets, for a write of any version but the new one, the shadow columns of the rows
 * referencing the row to NULL, as {@code up} maps a dangling reference; the old columns keep their
 * values. A write of the new version meets the rule.
 */
final class ShadowReference {

    private ShadowReference() {
    }

    private static String trigger(Work work) {
        return Dialect.triggerName(work.helper) + "_p";
    }

    private static String function(Work work) {
        return Dialect.functionName(work.helper) + "_p";
    }

    /**
     * Creates the trigger on the referenced table; the shadow columns must exist.
     *
     * @param from the referencing columns
     * @param to   the referenced columns, in the same order
     */
    static void expand(Work work, List<String> from, List<String> to) {
        List<String> shadows = Shadow.columns(work.helper, from);
        List<String> match = new ArrayList<>();
        List<String> unset = new ArrayList<>();
        for (int i = 0; i < shadows.size(); i++) {
            match.add(shadows.get(i) + " = OLD." + to.get(i));
            unset.add(shadows.get(i) + " = NULL");
        }
        String schema = VersionSchemas.quote(work.catalog(work.connection::getSchema));
        String changed = "ROW(" + to.stream().map(c -> "NEW." + c).collect(Collectors.joining(", "))
                + ") IS DISTINCT FROM ROW(" + to.stream().map(c -> "OLD." + c).collect(Collectors.joining(", ")) + ")";
        // the referencing rows' own triggers are off for this update (their up would keep a reference that
        // exists until this delete), and back as they were after it
        work.sql("create the referenced table's trigger function", "CREATE OR REPLACE FUNCTION " + function(work)
                + "() RETURNS trigger LANGUAGE plpgsql AS $rb$\nDECLARE\n  rb_was text;\nBEGIN\n"
                + "  IF (current_schemas(false))[1] IS DISTINCT FROM '" + work.require(VersionSchemas.SCHEMA) + "'"
                + " AND (TG_OP = 'DELETE' OR " + changed + ") THEN\n"
                + "    rb_was := current_setting('rollback.backfill', true);\n"
                + "    PERFORM set_config('rollback.backfill', 'on', true);\n"
                + "    UPDATE " + schema + "." + work.table() + " SET " + String.join(", ", unset) + " WHERE "
                + String.join(" AND ", match) + ";\n"
                + "    PERFORM set_config('rollback.backfill', COALESCE(rb_was, 'off'), true);\n"
                + "  END IF;\n"
                + "  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;\n"
                + "  RETURN NEW;\nEND\n$rb$");
        if (!work.hasTrigger(trigger(work))) {
            work.sql("create the referenced table's trigger", "CREATE TRIGGER " + trigger(work) + " BEFORE DELETE OR UPDATE OF "
                    + String.join(", ", to) + " ON " + work.require("referencedTableName") + " FOR EACH ROW EXECUTE FUNCTION "
                    + function(work) + "()");
        }
    }

    /** @return the statements that drop the trigger on the referenced table and its function */
    static List<String> drop(Work work) {
        return List.of("DROP TRIGGER IF EXISTS " + trigger(work) + " ON " + work.require("referencedTableName"),
                "DROP FUNCTION IF EXISTS " + function(work) + "()");
    }

    /**
     * The statements that open a transaction changing both tables: the referencing one locked, then
     * the referenced one, each wait bounded below the server's {@code deadlock_timeout}. The previous
     * version takes their locks in both orders (an insert reads the referenced table for {@code up}; a
     * delete there updates the referencing one through the trigger), so this step, holding one lock
     * while waiting for the other, may close a cycle with it: it gives up before the server's deadlock
     * check would end either side, so the one to give up is always this step, which is tried again.
     *
     * @param mode the lock mode, e.g. {@code ACCESS EXCLUSIVE}
     */
    static List<String> lockBoth(Work work, String mode) {
        long deadlock = work.count("SELECT (EXTRACT(EPOCH FROM current_setting('deadlock_timeout')::interval)"
                + " * 1000)::bigint");
        long first = Math.max(1, Math.min(work.settings.lockTimeout().toMillis(), deadlock / 2));
        long second = Math.max(1, deadlock / 5);
        return List.of("SET LOCAL lock_timeout = " + first, "LOCK TABLE " + work.table() + " IN " + mode + " MODE",
                "SET LOCAL lock_timeout = " + second,
                "LOCK TABLE " + work.require("referencedTableName") + " IN " + mode + " MODE");
    }
}
