package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Drops a column at contract. Until then the running version keeps it; rows the new version writes without it get its default or the fill expression.
 */
@DatabaseChange(name = "expandDropColumn", description = "Drops a column at contract", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "column")
public class ExpandDropColumnChange extends ExpandTableChange {

    private String columnName;
    private String fillExpression;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandDropColumnChange() {
    }

    /**
     * Returns the column to drop.
     *
     * @return the column to drop
     */
    @DatabaseChangeProperty(description = "The column to drop", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getColumnName() {
        return columnName;
    }

    /**
     * Sets the column to drop.
     *
     * @param columnName the column to drop
     */
    public void setColumnName(String columnName) {
        this.columnName = columnName;
    }

    /**
     * Returns SQL over the row: its value for rows written without it; needed if it is NOT NULL without a default.
     *
     * @return SQL over the row: its value for rows written without it; needed if it is NOT NULL without a default
     */
    @DatabaseChangeProperty(description = "SQL over the row: its value for rows written without it; needed if it is NOT NULL without a default", requiredForDatabase = ChangeParameterMetaData.NONE,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getFillExpression() {
        return fillExpression;
    }

    /**
     * Sets SQL over the row: its value for rows written without it; needed if it is NOT NULL without a default.
     *
     * @param fillExpression SQL over the row: its value for rows written without it; needed if it is NOT NULL without a default
     */
    public void setFillExpression(String fillExpression) {
        this.fillExpression = fillExpression;
    }

    @Override
    Kind kind() {
        return Kind.DROP_COLUMN;
    }
}
