package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Adds a unique constraint: on PostgreSQL its index is built concurrently at expand and the constraint attached at contract.
 */
@DatabaseChange(name = "expandAddUnique", description = "Adds a unique constraint: on PostgreSQL its index is built concurrently at expand and the constraint attached at contract", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "table")
public class ExpandAddUniqueChange extends ExpandTableChange {

    private String columnNames;
    private String constraintName;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandAddUniqueChange() {
    }

    /**
     * Returns its columns, comma separated.
     *
     * @return its columns, comma separated
     */
    @DatabaseChangeProperty(description = "Its columns, comma separated", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getColumnNames() {
        return columnNames;
    }

    /**
     * Sets its columns, comma separated.
     *
     * @param columnNames its columns, comma separated
     */
    public void setColumnNames(String columnNames) {
        this.columnNames = columnNames;
    }

    /**
     * Returns the constraint (and its index).
     *
     * @return the constraint (and its index)
     */
    @DatabaseChangeProperty(description = "The constraint (and its index)", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getConstraintName() {
        return constraintName;
    }

    /**
     * Sets the constraint (and its index).
     *
     * @param constraintName the constraint (and its index)
     */
    public void setConstraintName(String constraintName) {
        this.constraintName = constraintName;
    }

    @Override
    Kind kind() {
        return Kind.ADD_UNIQUE;
    }
}
