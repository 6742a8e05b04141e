package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import dev.rollback.liquibase.internal.TableRenames;
import java.util.Map;
import liquibase.change.Change;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;
import liquibase.changelog.ChangeSet;
import liquibase.exception.ValidationErrors;

/**
 * Renames a table. Expand adds the new name as a writable view over the table; contract drops the view and renames the table.
 * Until contract no other change may name the table by either name (but, on PostgreSQL, a column renamed, added
 * or dropped and an index created on the new name): see {@link TableRenames}.
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

    /**
     * Refuses a change that names, after a table rename in the same change set, the renamed table by
     * either name: as the table it acts on, as the table its foreign key references, or in one of its
     * SQL expressions or statements ({@link TableRenames#naming}). On PostgreSQL a column renamed,
     * added or dropped and an index created on the new name go through.
     *
     * @param change     the change
     * @param properties its properties by name
     * @param postgres   whether the database is PostgreSQL
     * @param errors     where to add the refusal
     */
    static void refuseLaterChangesOfTheTable(ExpandContractChange change, Map<String, String> properties,
                                             boolean postgres, ValidationErrors errors) {
        ChangeSet changeSet = change.getChangeSet();
        if (changeSet == null) {
            return;
        }
        for (Change earlier : changeSet.getChanges()) {
            if (earlier == change) {
                return;
            }
            if (!(earlier instanceof ExpandRenameTableChange rename)) {
                continue;
            }
            String named = TableRenames.naming(change.kind(), properties::get, rename.tableName, rename.newTableName,
                    postgres);
            if (named != null) {
                errors.addError(change.kind().changeName() + " on " + properties.get("tableName") + ": " + named
                        + ", which expandRenameTable renames from " + rename.tableName + " to " + rename.newTableName
                        + " earlier in this change set. Until contract " + rename.newTableName + " is a view over "
                        + rename.tableName + ", so no later change can act on the table, reference it or mention it by"
                        + " either name (but " + TableRenames.allowed(rename.newTableName) + "): put this change"
                        + " before the rename (on " + rename.tableName + "), or in a change set that runs after the"
                        + " rename's contract");
            }
        }
    }
}
