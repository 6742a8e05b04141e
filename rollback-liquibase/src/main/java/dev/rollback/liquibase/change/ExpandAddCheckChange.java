package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Adds a check constraint, checked on new writes at expand and on existing rows at contract.
 */
@DatabaseChange(name = "expandAddCheck", description = "Adds a check constraint, checked on new writes at expand and on existing rows at contract", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "table")
public class ExpandAddCheckChange extends ExpandTableChange {

    private String constraintName;
    private String condition;
    private String columnName;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandAddCheckChange() {
    }

    /**
     * Returns the constraint.
     *
     * @return the constraint
     */
    @DatabaseChangeProperty(description = "The constraint", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getConstraintName() {
        return constraintName;
    }

    /**
     * Sets the constraint.
     *
     * @param constraintName the constraint
     */
    public void setConstraintName(String constraintName) {
        this.constraintName = constraintName;
    }

    /**
     * Returns the SQL condition.
     *
     * @return the SQL condition
     */
    @DatabaseChangeProperty(description = "The SQL condition", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getCondition() {
        return condition;
    }

    /**
     * Sets the SQL condition.
     *
     * @param condition the SQL condition
     */
    public void setCondition(String condition) {
        this.condition = condition;
    }

    /**
     * Returns the column the check is about; required on PostgreSQL, where the check goes on a shadow
     * column of it that only the new version sees.
     *
     * @return the column
     */
    @DatabaseChangeProperty(description = "The column the check is about (required on PostgreSQL)",
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getColumnName() {
        return columnName;
    }

    /**
     * Sets the column the check is about.
     *
     * @param columnName the column
     */
    public void setColumnName(String columnName) {
        this.columnName = columnName;
    }

    @Override
    Kind kind() {
        return Kind.ADD_CHECK;
    }
}
