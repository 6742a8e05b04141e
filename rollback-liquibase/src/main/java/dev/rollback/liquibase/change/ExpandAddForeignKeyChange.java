package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Adds a foreign key, checked on new writes at expand (NOT VALID on PostgreSQL, NOCHECK on H2) and on existing rows at contract.
 */
@DatabaseChange(name = "expandAddForeignKey", description = "Adds a foreign key, checked on new writes at expand (NOT VALID on PostgreSQL, NOCHECK on H2) and on existing rows at contract", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "table")
public class ExpandAddForeignKeyChange extends ExpandContractChange {

    private String tableName;
    private String columnNames;
    private String referencedTableName;
    private String referencedColumnNames;
    private String constraintName;
    private String onDelete;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandAddForeignKeyChange() {
    }

    /**
     * Returns the referencing table.
     *
     * @return the referencing table
     */
    @DatabaseChangeProperty(description = "The referencing table", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getTableName() {
        return tableName;
    }

    /**
     * Sets the referencing table.
     *
     * @param tableName the referencing table
     */
    public void setTableName(String tableName) {
        this.tableName = tableName;
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
     * Returns the referenced table.
     *
     * @return the referenced table
     */
    @DatabaseChangeProperty(description = "The referenced table", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getReferencedTableName() {
        return referencedTableName;
    }

    /**
     * Sets the referenced table.
     *
     * @param referencedTableName the referenced table
     */
    public void setReferencedTableName(String referencedTableName) {
        this.referencedTableName = referencedTableName;
    }

    /**
     * Returns the referenced columns, comma separated.
     *
     * @return the referenced columns, comma separated
     */
    @DatabaseChangeProperty(description = "The referenced columns, comma separated", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getReferencedColumnNames() {
        return referencedColumnNames;
    }

    /**
     * Sets the referenced columns, comma separated.
     *
     * @param referencedColumnNames the referenced columns, comma separated
     */
    public void setReferencedColumnNames(String referencedColumnNames) {
        this.referencedColumnNames = referencedColumnNames;
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
     * Returns the ON DELETE action, e.g. CASCADE.
     *
     * @return the ON DELETE action, e.g. CASCADE
     */
    @DatabaseChangeProperty(description = "The ON DELETE action, e.g. CASCADE", requiredForDatabase = ChangeParameterMetaData.NONE,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getOnDelete() {
        return onDelete;
    }

    /**
     * Sets the ON DELETE action, e.g. CASCADE.
     *
     * @param onDelete the ON DELETE action, e.g. CASCADE
     */
    public void setOnDelete(String onDelete) {
        this.onDelete = onDelete;
    }

    @Override
    Kind kind() {
        return Kind.ADD_FOREIGN_KEY;
    }
}
