package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Renames a table. Expand adds the new name as a writable view over the table; contract drops the view and renames the table.
 */
@DatabaseChange(name = "expandRenameTable", description = "Renames a table", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "table")
public class ExpandRenameTableChange extends ExpandContractChange {

    private String tableName;
    private String newTableName;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandRenameTableChange() {
    }

    /**
     * Returns the table's current name.
     *
     * @return the table's current name
     */
    @DatabaseChangeProperty(description = "The table's current name", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getTableName() {
        return tableName;
    }

    /**
     * Sets the table's current name.
     *
     * @param tableName the table's current name
     */
    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    /**
     * Returns its new name.
     *
     * @return its new name
     */
    @DatabaseChangeProperty(description = "Its new name", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getNewTableName() {
        return newTableName;
    }

    /**
     * Sets its new name.
     *
     * @param newTableName its new name
     */
    public void setNewTableName(String newTableName) {
        this.newTableName = newTableName;
    }

    @Override
    Kind kind() {
        return Kind.RENAME_TABLE;
    }
}
