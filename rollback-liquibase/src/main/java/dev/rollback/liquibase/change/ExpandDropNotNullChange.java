package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Lets a column hold NULL. On PostgreSQL expand adds a nullable shadow column that only the new
 * version sees, and a new write's NULL reaches the old column as {@code downExpression} of the row;
 * contract replaces the column by its shadow column. On H2 the column is made nullable, guarded by a
 * check, and every NULL written gets {@code downExpression}; contract drops the check.
 */
@DatabaseChange(name = "expandDropNotNull", description = "Lets a column hold NULL", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "column")
public class ExpandDropNotNullChange extends ExpandTableChange {

    private String columnName;
    private String downExpression;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandDropNotNullChange() {
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
     * Returns SQL over the new version's row: the old column's value.
     *
     * @return SQL over the new version's row: the old column's value
     */
    @DatabaseChangeProperty(description = "SQL over the new version's row: the old column's value", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getDownExpression() {
        return downExpression;
    }

    /**
     * Sets SQL over the new version's row: the old column's value.
     *
     * @param downExpression SQL over the new version's row: the old column's value
     */
    public void setDownExpression(String downExpression) {
        this.downExpression = downExpression;
    }

    @Override
    Kind kind() {
        return Kind.DROP_NOT_NULL;
    }
}
