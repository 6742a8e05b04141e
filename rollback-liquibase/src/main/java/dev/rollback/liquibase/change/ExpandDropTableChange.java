package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Drops a table at contract; expand leaves it for the running version.
 */
@DatabaseChange(name = "expandDropTable", description = "Drops a table at contract; expand leaves it for the running version", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "table")
public class ExpandDropTableChange extends ExpandContractChange {

    private String tableName;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandDropTableChange() {
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

    @Override
    Kind kind() {
        return Kind.DROP_TABLE;
    }
}
