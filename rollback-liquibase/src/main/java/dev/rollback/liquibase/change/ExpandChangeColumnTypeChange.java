package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Changes a column's type into a new column. Expand adds the new column, kept in sync both ways through the up and down expressions, and backfills it; contract drops the old column. Rollback archives the new column's values; a new expand restores those whose row did not change since.
 */
@DatabaseChange(name = "expandChangeColumnType", description = "Changes a column's type into a new column", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "column")
public class ExpandChangeColumnTypeChange extends ExpandTableChange {

    private String columnName;
    private String newColumnName;
    private String newDataType;
    private String upExpression;
    private String downExpression;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandChangeColumnTypeChange() {
    }

    /**
     * Returns the column the running version uses.
     *
     * @return the column the running version uses
     */
    @DatabaseChangeProperty(description = "The column the running version uses", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getColumnName() {
        return columnName;
    }

    /**
     * Sets the column the running version uses.
     *
     * @param columnName the column the running version uses
     */
    public void setColumnName(String columnName) {
        this.columnName = columnName;
    }

    /**
     * Returns the column the new version uses.
     *
     * @return the column the new version uses
     */
    @DatabaseChangeProperty(description = "The column the new version uses", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getNewColumnName() {
        return newColumnName;
    }

    /**
     * Sets the column the new version uses.
     *
     * @param newColumnName the column the new version uses
     */
    public void setNewColumnName(String newColumnName) {
        this.newColumnName = newColumnName;
    }

    /**
     * Returns its SQL type.
     *
     * @return its SQL type
     */
    @DatabaseChangeProperty(description = "Its SQL type", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getNewDataType() {
        return newDataType;
    }

    /**
     * Sets its SQL type.
     *
     * @param newDataType its SQL type
     */
    public void setNewDataType(String newDataType) {
        this.newDataType = newDataType;
    }

    /**
     * Returns SQL over the row: the new column's value from the old column.
     *
     * @return SQL over the row: the new column's value from the old column
     */
    @DatabaseChangeProperty(description = "SQL over the row: the new column's value from the old column", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getUpExpression() {
        return upExpression;
    }

    /**
     * Sets SQL over the row: the new column's value from the old column.
     *
     * @param upExpression SQL over the row: the new column's value from the old column
     */
    public void setUpExpression(String upExpression) {
        this.upExpression = upExpression;
    }

    /**
     * Returns SQL over the row: the old column's value from the new column.
     *
     * @return SQL over the row: the old column's value from the new column
     */
    @DatabaseChangeProperty(description = "SQL over the row: the old column's value from the new column", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getDownExpression() {
        return downExpression;
    }

    /**
     * Sets SQL over the row: the old column's value from the new column.
     *
     * @param downExpression SQL over the row: the old column's value from the new column
     */
    public void setDownExpression(String downExpression) {
        this.downExpression = downExpression;
    }

    @Override
    Kind kind() {
        return Kind.CHANGE_COLUMN_TYPE;
    }
}
