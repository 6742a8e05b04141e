package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Sets or drops a column's default for the new version only (PostgreSQL): expand adds a shadow column
 * with the new default that only the new version's schema shows, so a row the new version writes
 * without the column gets the new default and the old version keeps its own; contract replaces the
 * column by its shadow column.
 */
@DatabaseChange(name = "expandSetDefault", description = "Sets or drops a column's default for the new version only",
        priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "column")
public class ExpandSetDefaultChange extends ExpandTableChange {

    private String columnName;
    private String defaultValue;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandSetDefaultChange() {
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
     * Returns the new default as SQL; none drops the default.
     *
     * @return the new default as SQL; none drops the default
     */
    @DatabaseChangeProperty(description = "the new default as SQL; none drops the default", requiredForDatabase = ChangeParameterMetaData.NONE,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getDefaultValue() {
        return defaultValue;
    }

    /**
     * Sets the new default as SQL; none drops the default.
     *
     * @param defaultValue the new default as SQL; none drops the default
     */
    public void setDefaultValue(String defaultValue) {
        this.defaultValue = defaultValue;
    }

    @Override
    Kind kind() {
        return Kind.SET_DEFAULT;
    }
}
