package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Renames a column. Expand adds the new column, kept equal to the old one both ways by a trigger, and backfills it; contract drops the old column. Rollback drops the new column: every value is in the old one.
 */
@DatabaseChange(name = "expandRenameColumn", description = "Renames a column", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "column")
public class ExpandRenameColumnChange extends ExpandTableChange {

    private String columnName;
    private String newColumnName;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandRenameColumnChange() {
    }

    /**
     * Returns the column's current name, used by the running version.
     *
     * @return the column's current name, used by the running version
     */
    @DatabaseChangeProperty(description = "The column's current name, used by the running version", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getColumnName() {
        return columnName;
    }

    /**
     * Sets the column's current name, used by the running version.
     *
     * @param columnName the column's current name, used by the running version
     */
    public void setColumnName(String columnName) {
        this.columnName = columnName;
    }

    /**
     * Returns its new name, used by the new version.
     *
     * @return its new name, used by the new version
     */
    @DatabaseChangeProperty(description = "Its new name, used by the new version", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getNewColumnName() {
        return newColumnName;
    }

    /**
     * Sets its new name, used by the new version.
     *
     * @param newColumnName its new name, used by the new version
     */
    public void setNewColumnName(String newColumnName) {
        this.newColumnName = newColumnName;
    }

    @Override
    Kind kind() {
        return Kind.RENAME_COLUMN;
    }
}
