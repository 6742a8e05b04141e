package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import java.util.ArrayList;
import java.util.List;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.ChangeWithColumns;
import liquibase.change.ColumnConfig;
import liquibase.change.ConstraintsConfig;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Creates a table at expand. Rollback renames it to its archive (nothing the new version wrote is
 * lost); a new expand of the same change set brings it back with its rows.
 */
@DatabaseChange(name = "expandCreateTable", description = "Creates a table; rollback archives it",
        priority = ChangeMetaData.PRIORITY_DEFAULT, appliesTo = "table")
public class ExpandCreateTableChange extends ExpandTableChange implements ChangeWithColumns<ColumnConfig> {

    private List<ColumnConfig> columns = new ArrayList<>();

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandCreateTableChange() {
    }

    /**
     * Returns the columns: name, SQL type, constraints (primaryKey, nullable, unique) and default.
     *
     * @return the columns
     */
    @Override
    @DatabaseChangeProperty(description = "Column definitions", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public List<ColumnConfig> getColumns() {
        return columns;
    }

    /**
     * Sets the columns.
     *
     * @param columns the columns
     */
    @Override
    public void setColumns(List<ColumnConfig> columns) {
        this.columns = new ArrayList<>(columns);
    }

    /**
     * Adds a column.
     *
     * @param column the column
     */
    @Override
    public void addColumn(ColumnConfig column) {
        columns.add(column);
    }

    @Override
    Kind kind() {
        return Kind.CREATE_TABLE;
    }

    /** The columns as the SQL of their definitions (and the primary key); the text of any other property. */
    @Override
    String serialize(String property, Object value) {
        return "columns".equals(property) ? (columns.isEmpty() ? null : definitions()) : super.serialize(property, value);
    }

    private String definitions() {
        List<String> definitions = new ArrayList<>();
        List<String> key = new ArrayList<>();
        for (ColumnConfig column : columns) {
            StringBuilder definition = new StringBuilder(column.getName()).append(' ').append(column.getType());
            if (column.getDefaultValueComputed() != null) {
                definition.append(" DEFAULT ").append(column.getDefaultValueComputed().getValue());
            } else if (column.getDefaultValueNumeric() != null) {
                definition.append(" DEFAULT ").append(column.getDefaultValueNumeric());
            } else if (column.getDefaultValueBoolean() != null) {
                definition.append(" DEFAULT ").append(column.getDefaultValueBoolean());
            } else if (column.getDefaultValue() != null) {
                definition.append(" DEFAULT '").append(column.getDefaultValue().replace("'", "''")).append('\'');
            }
            ConstraintsConfig constraints = column.getConstraints();
            if (constraints != null) {
                if (Boolean.TRUE.equals(constraints.isPrimaryKey())) {
                    key.add(column.getName());
                }
                if (Boolean.FALSE.equals(constraints.isNullable()) || Boolean.TRUE.equals(constraints.isPrimaryKey())) {
                    definition.append(" NOT NULL");
                }
                if (Boolean.TRUE.equals(constraints.isUnique())) {
                    definition.append(" UNIQUE");
                }
            }
            definitions.add(definition.toString());
        }
        if (!key.isEmpty()) {
            definitions.add("PRIMARY KEY (" + String.join(", ", key) + ")");
        }
        return String.join(", ", definitions);
    }
}
