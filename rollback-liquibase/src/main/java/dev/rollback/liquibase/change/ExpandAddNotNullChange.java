package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Makes a column NOT NULL. Expand fills it by trigger and backfill and adds a NOT VALID check; contract validates it and sets NOT NULL.
 */
@DatabaseChange(name = "expandAddNotNull", description = "Makes a column NOT NULL", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "column")
public class ExpandAddNotNullChange extends ExpandTableChange {

    private String columnName;
    private String fillExpression;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandAddNotNullChange() {
    }

    /**
     * Returns the column.
     *
     * @return the column
     */
    @DatabaseChangeProperty(description = "The column", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getColumnName() {
        return columnName;
    }

    /**
     * Sets the column.
     *
     * @param columnName the column
     */
    public void setColumnName(String columnName) {
        this.columnName = columnName;
    }

    /**
     * Returns SQL over the row: the value for rows where it is null.
     *
     * @return SQL over the row: the value for rows where it is null
     */
    @DatabaseChangeProperty(description = "SQL over the row: the value for rows where it is null", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getFillExpression() {
        return fillExpression;
    }

    /**
     * Sets SQL over the row: the value for rows where it is null.
     *
     * @param fillExpression SQL over the row: the value for rows where it is null
     */
    public void setFillExpression(String fillExpression) {
        this.fillExpression = fillExpression;
    }

    @Override
    Kind kind() {
        return Kind.ADD_NOT_NULL;
    }
}
