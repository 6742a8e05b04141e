package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import dev.rollback.liquibase.internal.SqlNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import liquibase.change.Change;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;
import liquibase.changelog.ChangeSet;
import liquibase.exception.ValidationErrors;
import org.jspecify.annotations.Nullable;

/**
 * Renames a column. On PostgreSQL, as pgroll does, expand changes nothing physical: the new version's
 * schema shows the column under its new name; contract renames it; rollback has nothing physical to
 * undo. On H2 (no version schemas) expand adds the new column, kept equal to the old one both ways by a
 * trigger, and backfills it; contract drops the old column; rollback drops the new one.
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

    /**
     * On PostgreSQL, refuses a change that names, after a rename in the same change set, the renamed
     * column by either name: as the column it acts on, as a column its foreign key references
     * ({@code referencedColumnNames} of {@code referencedTableName}), or in one of its SQL expressions
     * ({@code where}, {@code condition}, ...). Until contract the new name is an alias in the new
     * version's schema, not a physical column, and the new version no longer knows the old one.
     *
     * @param change     the change
     * @param properties its properties by name
     * @param errors     where to add the refusal
     */
    static void refuseLaterChangesOfTheColumn(ExpandContractChange change, Map<String, String> properties,
                                              ValidationErrors errors) {
        ChangeSet changeSet = change.getChangeSet();
        String table = properties.get("tableName");
        if (changeSet == null || table == null) {
            return;
        }
        List<String> named = new ArrayList<>();
        for (String property : List.of("columnName", "columnNames", "newColumnName")) {
            named.addAll(list(properties.get(property)));
        }
        String referenced = properties.get("referencedTableName");
        List<String> references = list(properties.get("referencedColumnNames"));
        Map<String, Set<String>> mentioned = new LinkedHashMap<>();
        for (String property : SqlNames.EXPRESSIONS) {
            String sql = properties.get(property);
            if (sql != null) {
                mentioned.put(property, SqlNames.identifiers(sql));
            }
        }
        for (Change earlier : changeSet.getChanges()) {
            if (earlier == change) {
                return;
            }
            if (!(earlier instanceof ExpandRenameColumnChange rename)) {
                continue;
            }
            String fix = ". On PostgreSQL the new name is an alias in the new version's schema until contract, not a"
                    + " physical column, so no later change can act on the column: put this change before the rename"
                    + " (on " + rename.columnName + "), or in a change set that runs after the rename's contract";
            String renamed = ", which expandRenameColumn renames from " + rename.columnName + " to "
                    + rename.newColumnName + " earlier in this change set";
            if (table.equalsIgnoreCase(rename.getTableName()) && named.stream().anyMatch(rename::names)) {
                errors.addError(change.kind().changeName() + " on " + table + " names " + String.join(", ", named)
                        + renamed + fix);
            }
            if (referenced != null && referenced.equalsIgnoreCase(rename.getTableName())
                    && references.stream().anyMatch(rename::names)) {
                errors.addError(change.kind().changeName() + " on " + table + " references " + referenced + " ("
                        + String.join(", ", references) + ")" + renamed + fix);
            }
            if (table.equalsIgnoreCase(rename.getTableName())) {
                mentioned.forEach((property, names) -> {
                    if (names.stream().anyMatch(rename::names)) {
                        errors.addError(change.kind().changeName() + " on " + table + ": its " + property + " '"
                                + properties.get(property) + "' names " + rename.columnName + " or "
                                + rename.newColumnName + renamed + fix);
                    }
                });
            }
        }
    }

    /** Whether a name is the renamed column's, old or new. */
    private boolean names(String column) {
        return column.equalsIgnoreCase(columnName) || column.equalsIgnoreCase(newColumnName);
    }

    private static List<String> list(@Nullable String names) {
        return names == null ? List.of() : Arrays.stream(names.split(",")).map(String::strip).toList();
    }
}
