package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Adds a column. Expand adds it nullable (with its default); a NOT NULL column is filled by a trigger for rows the running version writes without it, backfilled, checked NOT VALID and made NOT NULL at contract. Rollback archives its values; a new expand restores them.
 */
@DatabaseChange(name = "expandAddColumn", description = "Adds a column", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "column")
public class ExpandAddColumnChange extends ExpandTableChange {

    private String columnName;
    private String columnType;
    private Boolean notNull;
    private String defaultValue;
    private String fillExpression;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandAddColumnChange() {
    }

    /**
     * Returns the new column.
     *
     * @return the new column
     */
    @DatabaseChangeProperty(description = "The new column", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getColumnName() {
        return columnName;
    }

    /**
     * Sets the new column.
     *
     * @param columnName the new column
     */
    public void setColumnName(String columnName) {
        this.columnName = columnName;
    }

    /**
     * Returns its SQL type, e.g. VARCHAR(100).
     *
     * @return its SQL type, e.g. VARCHAR(100)
     */
    @DatabaseChangeProperty(description = "Its SQL type, e.g. VARCHAR(100)", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getColumnType() {
        return columnType;
    }

    /**
     * Sets its SQL type, e.g. VARCHAR(100).
     *
     * @param columnType its SQL type, e.g. VARCHAR(100)
     */
    public void setColumnType(String columnType) {
        this.columnType = columnType;
    }

    /**
     * Returns whether it becomes NOT NULL at contract.
     *
     * @return whether it becomes NOT NULL at contract
     */
    @DatabaseChangeProperty(description = "Whether it becomes NOT NULL at contract", requiredForDatabase = ChangeParameterMetaData.NONE,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public Boolean getNotNull() {
        return notNull;
    }

    /**
     * Sets whether it becomes NOT NULL at contract.
     *
     * @param notNull whether it becomes NOT NULL at contract
     */
    public void setNotNull(Boolean notNull) {
        this.notNull = notNull;
    }

    /**
     * Returns its default, an SQL expression.
     *
     * @return its default, an SQL expression
     */
    @DatabaseChangeProperty(description = "Its default, an SQL expression", requiredForDatabase = ChangeParameterMetaData.NONE,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getDefaultValue() {
        return defaultValue;
    }

    /**
     * Sets its default, an SQL expression.
     *
     * @param defaultValue its default, an SQL expression
     */
    public void setDefaultValue(String defaultValue) {
        this.defaultValue = defaultValue;
    }

    /**
     * Returns SQL over the row giving its value for rows written without it and for existing rows.
     *
     * @return SQL over the row giving its value for rows written without it and for existing rows
     */
    @DatabaseChangeProperty(description = "SQL over the row giving its value for rows written without it and for existing rows", requiredForDatabase = ChangeParameterMetaData.NONE,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getFillExpression() {
        return fillExpression;
    }

    /**
     * Sets SQL over the row giving its value for rows written without it and for existing rows.
     *
     * @param fillExpression SQL over the row giving its value for rows written without it and for existing rows
     */
    public void setFillExpression(String fillExpression) {
        this.fillExpression = fillExpression;
    }

    @Override
    Kind kind() {
        return Kind.ADD_COLUMN;
    }
}
