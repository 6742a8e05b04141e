package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Creates an index at expand, concurrently on PostgreSQL (partial with {@code where}); rollback drops it.
 */
@DatabaseChange(name = "expandCreateIndex", description = "Creates an index at expand, concurrently on PostgreSQL; rollback drops it", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "index")
public class ExpandCreateIndexChange extends ExpandTableChange {

    private String indexName;
    private String columnNames;
    private Boolean unique;
    private String where;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandCreateIndexChange() {
    }

    /**
     * Returns the index.
     *
     * @return the index
     */
    @DatabaseChangeProperty(description = "The index", requiredForDatabase = ChangeParameterMetaData.ALL,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public String getIndexName() {
        return indexName;
    }

    /**
     * Sets the index.
     *
     * @param indexName the index
     */
    public void setIndexName(String indexName) {
        this.indexName = indexName;
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
     * Returns whether it is unique.
     *
     * @return whether it is unique
     */
    @DatabaseChangeProperty(description = "Whether it is unique", requiredForDatabase = ChangeParameterMetaData.NONE,
            supportsDatabase = ChangeParameterMetaData.ALL)
    public Boolean getUnique() {
        return unique;
    }

    /**
     * Sets whether it is unique.
     *
     * @param unique whether it is unique
     */
    public void setUnique(Boolean unique) {
        this.unique = unique;
    }

    /**
     * Returns the condition of a partial index (PostgreSQL only), or null for a whole-table index.
     *
     * @return the condition, SQL over the table's columns
     */
    @DatabaseChangeProperty(description = "The condition of a partial index (PostgreSQL only)",
            requiredForDatabase = ChangeParameterMetaData.NONE, supportsDatabase = "postgresql")
    public String getWhere() {
        return where;
    }

    /**
     * Sets the condition of a partial index (PostgreSQL only).
     *
     * @param where the condition, SQL over the table's columns
     */
    public void setWhere(String where) {
        this.where = where;
    }

    @Override
    Kind kind() {
        return Kind.CREATE_INDEX;
    }
}
