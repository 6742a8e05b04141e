package dev.rollback.liquibase.change;

import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChangeProperty;

/**
 * An expand/contract change on one existing table, named by {@code tableName}: the property every
 * such change type shares, declared once (Liquibase reads it from this getter for each subclass).
 */
public abstract class ExpandTableChange extends ExpandContractChange {

    private String tableName;

    /** Creates the change; Liquibase then sets its properties. */
    protected ExpandTableChange() {
    }

    /**
     * Returns the table.
     *
     * @return the table
     */
    @DatabaseChangeProperty(description = "The table", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getTableName() {
        return tableName;
    }

    /**
     * Sets the table.
     *
     * @param tableName the table
     */
    public void setTableName(String tableName) {
        this.tableName = tableName;
    }
}
