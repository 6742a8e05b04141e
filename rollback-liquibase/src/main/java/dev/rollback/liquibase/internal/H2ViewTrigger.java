package dev.rollback.liquibase.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.h2.api.Trigger;

/**
 * On H2, makes the view that gives a renamed table its new name writable: inserts, updates and
 * deletes on the view go to the table under its old name. Public with a public constructor because
 * H2 instantiates it by name.
 */
public final class H2ViewTrigger implements Trigger {

    private H2Rows rows;
    private String base;
    private List<String> key;

    /** Creates the trigger; H2 then calls {@link #init}. */
    public H2ViewTrigger() {
    }

    @Override
    public void init(Connection connection, String schema, String triggerName, String view, boolean before, int type)
            throws SQLException {
        rows = new H2Rows(connection, schema, view, triggerName);
        base = rows.spec.require("tableName");
        key = new H2Dialect().primaryKey(connection, base);
        if (key.isEmpty()) {
            key = rows.columns;
        }
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        String columns = String.join(", ", rows.columns);
        String where = key.stream().map(k -> k + " = ?").collect(Collectors.joining(" AND "));
        String sql;
        if (oldRow == null) {
            sql = "INSERT INTO " + base + " (" + columns + ") VALUES ("
                    + rows.columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        } else if (newRow == null) {
            sql = "DELETE FROM " + base + " WHERE " + where;
        } else {
            sql = "UPDATE " + base + " SET " + rows.columns.stream().map(c -> c + " = ?").collect(Collectors.joining(", "))
                    + " WHERE " + where;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int parameter = 1;
            if (newRow != null) {
                for (Object value : newRow) {
                    statement.setObject(parameter++, value);
                }
            }
            if (oldRow != null) {
                for (String k : key) {
                    statement.setObject(parameter++, oldRow[rows.index(k)]);
                }
            }
            statement.executeUpdate();
        }
    }
}
