package dev.rollback.liquibase.internal;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.h2.api.Trigger;

/**
 * The sync trigger on H2: keeps the {@linkplain Rule rules} of the migration it belongs to (found in
 * the phase table by the trigger's name) on every insert and update, except backfill writes.
 * Public and with a public constructor because H2 instantiates it by name.
 */
public final class H2SyncTrigger implements Trigger {

    private H2Rows rows;
    private List<Rule> rules;

    /** Creates the trigger; H2 then calls {@link #init}. */
    public H2SyncTrigger() {
    }

    @Override
    public void init(Connection connection, String schema, String triggerName, String table, boolean before, int type)
            throws SQLException {
        rows = new H2Rows(connection, schema, table, triggerName);
        rules = rows.spec.kind().rules(rows.spec);
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        if (newRow == null || backfilling(connection)) {
            return;
        }
        for (Rule rule : rules) {
            if (rule instanceof Rule.Fill fill) {
                fillIfNull(connection, newRow, fill.column(), fill.expression());
            } else if (rule instanceof Rule.Default fill) {
                fillIfNull(connection, newRow, fill.column(), fill.expression());
            } else if (rule instanceof Rule.Pair pair) {
                int a = rows.index(pair.a());
                int b = rows.index(pair.b());
                if (oldRow == null) {
                    if (newRow[b] == null && newRow[a] != null) {
                        newRow[b] = rows.evaluate(connection, pair.aToB(), newRow);
                    } else if (newRow[a] == null && newRow[b] != null) {
                        newRow[a] = rows.evaluate(connection, pair.bToA(), newRow);
                    }
                } else if (!same(newRow[a], oldRow[a])) {
                    newRow[b] = rows.evaluate(connection, pair.aToB(), newRow);
                } else if (!same(newRow[b], oldRow[b])) {
                    newRow[a] = rows.evaluate(connection, pair.bToA(), newRow);
                }
            }
        }
    }

    private static boolean backfilling(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet flag = statement.executeQuery("SELECT @rollback_backfill")) {
            return flag.next() && flag.getBoolean(1);
        }
    }

    static boolean same(Object x, Object y) {
        if (x instanceof BigDecimal bx && y instanceof BigDecimal by) {
            return bx.compareTo(by) == 0;
        }
        if (x instanceof byte[] bx && y instanceof byte[] by) {
            return Arrays.equals(bx, by);
        }
        return Objects.equals(x, y);
    }

    private void fillIfNull(Connection connection, Object[] newRow, String name, String expression) throws SQLException {
        int column = rows.index(name);
        if (newRow[column] == null) {
            newRow[column] = rows.evaluate(connection, expression, newRow);
        }
    }
}
