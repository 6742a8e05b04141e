package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Drops an index at contract; expand leaves it for the running version, whose queries may need it.
 */
@DatabaseChange(name = "expandDropIndex", description = "Drops an index at contract; expand leaves it for the running version", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "index")
public class ExpandDropIndexChange extends ExpandTableChange {

    private String indexName;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandDropIndexChange() {
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

    @Override
    Kind kind() {
        return Kind.DROP_INDEX;
    }
}
