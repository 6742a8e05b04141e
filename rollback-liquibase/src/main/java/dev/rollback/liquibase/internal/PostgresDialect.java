package dev.rollback.liquibase.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL: PL/pgSQL sync triggers, constraints {@code NOT VALID} then {@code VALIDATE},
 * {@code CREATE INDEX CONCURRENTLY}, {@code lock_timeout}.
 */
final class PostgresDialect extends Dialect {

    /** A function call in an expression: its name (without schema), then an opening parenthesis. */
    private static final Pattern CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");

    /** SQLSTATE lock_not_available: a lock_timeout expired. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    @Override
    public boolean isPostgres() {
        return true;
    }

    @Override
    public String stored(String identifier) {
        return identifier.toLowerCase(Locale.ROOT);
    }

    @Override
    public void lockTimeout(Connection connection, Duration timeout) throws SQLException {
        execute(connection, timeout == null ? "RESET lock_timeout" : "SET lock_timeout = " + timeout.toMillis());
    }

    @Override
    public boolean isLockTimeout(SQLException e) {
        return LOCK_NOT_AVAILABLE.equals(e.getSQLState());
    }

    @Override
    public void backfilling(Connection connection, boolean on) throws SQLException {
        execute(connection, "SET LOCAL rollback.backfill = '" + (on ? "on" : "off") + "'");
    }

    @Override
    List<String> createSyncTrigger(String table, String helper, List<Rule> rules, String newWrite) {
        StringBuilder body = new StringBuilder()
                .append("CREATE OR REPLACE FUNCTION ").append(functionName(helper))
                .append("() RETURNS trigger LANGUAGE plpgsql AS $rb$\nBEGIN\n")
                .append("  IF current_setting('rollback.backfill', true) = 'on' THEN RETURN NEW; END IF;\n");
        if (newWrite == null) {
            body.append(bothShapes(rules));
        } else {
            // the writer's version says which side it wrote: the new version sees only its own columns
            body.append("  IF ").append(newWrite).append(" THEN\n");
            for (Rule rule : rules) {
                if (rule instanceof Rule.Pair pair) {
                    body.append("    NEW.").append(pair.a()).append(" := ").append(value(pair.bToA())).append(";\n");
                } else if (rule instanceof Rule.Default fill) {
                    body.append(fillIfNull(fill.column(), fill.expression()));
                }
            }
            // a writer on the physical schema sees both shapes (a release that still runs its old
            // path in the same process): each side is derived from the one it wrote
            body.append("  ELSIF (current_schemas(false))[1] = TG_TABLE_SCHEMA THEN\n").append(bothShapes(rules));
            body.append("  ELSE\n");
            for (Rule rule : rules) {
                if (rule instanceof Rule.Fill fill) {
                    body.append("    NEW.").append(fill.column()).append(" := ").append(value(fill.expression())).append(";\n");
                } else if (rule instanceof Rule.Pair pair) {
                    body.append("    NEW.").append(pair.b()).append(" := ").append(value(pair.aToB())).append(";\n");
                }
            }
            body.append("  END IF;\n");
        }
        body.append("  RETURN NEW;\nEND\n$rb$");
        return List.of(body.toString(),
                "DROP TRIGGER IF EXISTS " + triggerName(helper) + " ON " + table,
                "CREATE TRIGGER " + triggerName(helper) + " BEFORE INSERT OR UPDATE ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION " + functionName(helper) + "()");
    }

    /** Both shapes written through one schema: what the writer left empty, or did not change, is derived. */
    private static String bothShapes(List<Rule> rules) {
        StringBuilder body = new StringBuilder();
        for (Rule rule : rules) {
            if (rule instanceof Rule.Fill fill) {
                body.append(fillIfNull(fill.column(), fill.expression()));
            } else if (rule instanceof Rule.Default fill) {
                body.append(fillIfNull(fill.column(), fill.expression()));
            } else if (rule instanceof Rule.Pair pair) {
                String a = pair.a();
                String b = pair.b();
                body.append("  IF TG_OP = 'INSERT' THEN\n")
                        .append("    IF NEW.").append(b).append(" IS NULL AND NEW.").append(a).append(" IS NOT NULL THEN NEW.")
                        .append(b).append(" := ").append(value(pair.aToB())).append(";\n")
                        .append("    ELSIF NEW.").append(a).append(" IS NULL AND NEW.").append(b).append(" IS NOT NULL THEN NEW.")
                        .append(a).append(" := ").append(value(pair.bToA())).append("; END IF;\n")
                        .append("  ELSIF NEW.").append(a).append(" IS DISTINCT FROM OLD.").append(a).append(" THEN NEW.")
                        .append(b).append(" := ").append(value(pair.aToB())).append(";\n")
                        .append("  ELSIF NEW.").append(b).append(" IS DISTINCT FROM OLD.").append(b).append(" THEN NEW.")
                        .append(a).append(" := ").append(value(pair.bToA())).append(";\n")
                        .append("  END IF;\n");
            }
        }
        return body.toString();
    }

    private static String fillIfNull(String column, String expression) {
        return "  IF NEW." + column + " IS NULL THEN NEW." + column + " := " + value(expression) + "; END IF;\n";
    }

    /** A column's value straight from the row; any other expression evaluated over the row. */
    static String value(String expression) {
        return Rule.isIdentifier(expression) ? "NEW." + expression.strip()
                : "(SELECT (" + expression + ") FROM (SELECT NEW.*) AS rb_row)";
    }

    @Override
    List<String> dropSyncTrigger(String table, String helper) {
        return List.of("DROP TRIGGER IF EXISTS " + triggerName(helper) + " ON " + table,
                "DROP FUNCTION IF EXISTS " + functionName(helper) + "()");
    }

    @Override
    String addConstraintUnchecked(String table, String name, String definition) {
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + definition + " NOT VALID";
    }

    @Override
    String createIndex(String name, String table, String columns, boolean unique) {
        return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS " + name + " ON " + table
                + " (" + columns + ")";
    }

    @Override
    String dropIndex(String name) {
        return "DROP INDEX CONCURRENTLY IF EXISTS " + name;
    }

    @Override
    String setNotNull(String table, String column) {
        return "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET NOT NULL";
    }

    @Override
    String dropNotNull(String table, String column) {
        return "ALTER TABLE " + table + " ALTER COLUMN " + column + " DROP NOT NULL";
    }

    @Override
    boolean notNullCheckedBeforeTriggers() {
        return false;
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    @Override
    boolean callsVolatileFunction(Connection connection, String expression) throws SQLException {
        Matcher call = CALL.matcher(expression);
        while (call.find()) {
            // any overload of the name that is volatile counts: an unneeded backfill costs less than a rewrite
            if (exists(connection, "SELECT 1 FROM pg_proc WHERE proname = ? AND provolatile = 'v'",
                    call.group(1).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    @Override
    boolean indexInvalid(Connection connection, String name) throws SQLException {
        return exists(connection, "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?"
                + " AND NOT i.indisvalid", connection.getSchema(), stored(name));
    }

    @Override
    List<String> makeViewUpdatable(String view, String helper) {
        return List.of(); // a view over one table is updatable in PostgreSQL
    }

    @Override
    public ColumnInfo column(Connection connection, String table, String column) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef FROM pg_attribute a"
                        + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relname = ? AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
            query.setString(1, connection.getSchema());
            query.setString(2, stored(table));
            query.setString(3, stored(column));
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? new ColumnInfo(row.getString(1), row.getBoolean(2), row.getBoolean(3)) : null;
            }
        }
    }

    @Override
    public boolean uniqueOn(Connection connection, String table, String column) throws SQLException {
        return exists(connection, "SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_attribute a ON a.attrelid = t.oid"
                + " AND a.attnum = i.indkey[0] WHERE n.nspname = ? AND t.relname = ? AND a.attname = ?"
                + " AND i.indisunique AND i.indnatts = 1", connection.getSchema(), stored(table), stored(column));
    }

    @Override
    public boolean indexExists(Connection connection, String name) throws SQLException {
        return exists(connection, "SELECT 1 FROM pg_indexes WHERE schemaname = ? AND indexname = ?",
                connection.getSchema(), stored(name));
    }

    @Override
    public boolean triggerExists(Connection connection, String name) throws SQLException {
        return exists(connection, "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND t.tgname = ?",
                connection.getSchema(), stored(name));
    }

    @Override
    public List<String> uniqueNotNullKey(Connection connection, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT string_agg(a.attname, ',' ORDER BY k.ord)"
                + " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
                + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
                + " WHERE n.nspname = ? AND t.relname = ? AND i.indisunique AND i.indisvalid AND i.indpred IS NULL"
                + " AND i.indexprs IS NULL GROUP BY i.indexrelid HAVING bool_and(a.attnotnull)"
                + " ORDER BY count(*), i.indexrelid LIMIT 1")) {
            query.setString(1, connection.getSchema());
            query.setString(2, stored(table));
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? List.of(row.getString(1).split(",")) : List.of();
            }
        }
    }
}
