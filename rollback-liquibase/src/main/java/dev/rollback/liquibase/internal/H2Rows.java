package dev.rollback.liquibase.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What H2's Java triggers need to know about their table and migration, read once when H2
 * initialises a trigger.
 */
final class H2Rows {

    final List<String> columns = new ArrayList<>();
    final List<String> types = new ArrayList<>();
    final MigrationSpec spec;

    H2Rows(Connection connection, String schema, String table, String triggerName) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE"
                        + " FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            query.setString(1, schema);
            query.setString(2, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                    types.add(H2Dialect.typeOf(rows.getString(2), rows.getObject(3), rows.getObject(4), rows.getObject(5)));
                }
            }
        }
        String helper = triggerName.toLowerCase(Locale.ROOT).replace("rb_trg_", "");
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT spec FROM \"" + schema + "\"." + PhaseTable.TABLE + " WHERE helper = ?")) {
            query.setString(1, helper);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("no migration in " + PhaseTable.TABLE + " for trigger " + triggerName);
                }
                spec = MigrationSpec.decode(row.getString(1));
            }
        }
    }

    int index(String column) {
        int index = columns.indexOf(column.strip().toUpperCase(Locale.ROOT));
        if (index < 0) {
            throw new IllegalStateException("no column " + column + " in " + columns);
        }
        return index;
    }

    /** Evaluates an SQL expression over a row: a column's value directly, else through a query. */
    Object evaluate(Connection connection, String expression, Object[] row) throws SQLException {
        if (Rule.isIdentifier(expression)) {
            return row[index(expression)];
        }
        StringBuilder sql = new StringBuilder("SELECT (").append(expression).append(") FROM (SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(types.get(i)).append(") AS \"")
                    .append(columns.get(i)).append('"');
        }
        sql.append(") AS rb_row");
        try (PreparedStatement query = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < columns.size(); i++) {
                query.setObject(i + 1, row[i]);
            }
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getObject(1);
            }
        }
    }
}
