package dev.rollback.liquibase;

import dev.rollback.liquibase.change.ExpandContractChange;
import dev.rollback.liquibase.change.ExpandCreateTableChange;
import dev.rollback.liquibase.change.ExpandSqlChange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import liquibase.change.AddColumnConfig;
import liquibase.change.Change;
import liquibase.change.AbstractSQLChange;
import liquibase.change.ColumnConfig;
import liquibase.change.core.AddColumnChange;
import liquibase.change.core.AddForeignKeyConstraintChange;
import liquibase.change.core.AddNotNullConstraintChange;
import liquibase.change.core.AddUniqueConstraintChange;
import liquibase.change.core.CreateIndexChange;
import liquibase.change.core.CreateTableChange;
import liquibase.change.core.DropColumnChange;
import liquibase.change.core.DropIndexChange;
import liquibase.change.core.DropTableChange;
import liquibase.change.core.ModifyDataTypeChange;
import liquibase.change.core.RenameColumnChange;
import liquibase.change.core.RenameTableChange;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.exception.LiquibaseException;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.ResourceAccessor;

/**
 * The safety lint: finds changes that break the previous version of the service when run outside
 * expand/contract, and names the expand/contract change to use instead. {@link ExpandContract#expand()}
 * runs it over the change sets not yet run; {@code dev.rollback.liquibase.cli.ExpandContractCommand lint}
 * runs it from a build.
 *
 * <p>A change set whose comment contains {@value #IGNORE_MARKER} is not linted (for a change that is
 * safe for a reason the lint cannot see, e.g. a table no version uses yet).
 */
public final class ChangelogLint {

    /** Put in a change set's comment to skip it. */
    public static final String IGNORE_MARKER = "rollback:lint-ignore";

    private static final Pattern DESTRUCTIVE_SQL = Pattern.compile(
            "\\b(DROP\\s+(COLUMN|TABLE)|RENAME\\s+(COLUMN|TO)|ALTER\\s+COLUMN\\s+\\w+\\s+(SET\\s+DATA\\s+)?TYPE|SET\\s+NOT\\s+NULL)\\b",
            Pattern.CASE_INSENSITIVE);

    private ChangelogLint() {
    }

    /**
     * Lints a change log.
     *
     * @param changelog the change log's path
     * @param resources where to find it and what it includes
     * @param postgres  whether it runs on PostgreSQL (index and constraint builds that block writes are reported)
     * @return the findings, empty if none
     * @throws MigrationException if the change log cannot be read
     */
    public static List<LintFinding> lint(String changelog, ResourceAccessor resources, boolean postgres) {
        try {
            DatabaseChangeLog log = ChangeLogParserFactory.getInstance().getParser(changelog, resources)
                    .parse(changelog, new ChangeLogParameters(), resources);
            return lint(log.getChangeSets(), postgres);
        } catch (LiquibaseException e) {
            throw new MigrationException(null, "change log " + changelog + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Lints change sets.
     *
     * @param changeSets the change sets
     * @param postgres   whether they run on PostgreSQL
     * @return the findings, empty if none
     */
    public static List<LintFinding> lint(List<ChangeSet> changeSets, boolean postgres) {
        List<LintFinding> findings = new ArrayList<>();
        // tables these change sets create are new: no running version uses them yet
        Set<String> created = new HashSet<>();
        for (ChangeSet changeSet : changeSets) {
            for (Change change : changeSet.getChanges()) {
                if (change instanceof CreateTableChange table) {
                    created.add(table.getTableName().toLowerCase(Locale.ROOT));
                } else if (change instanceof ExpandCreateTableChange table && table.getTableName() != null) {
                    created.add(table.getTableName().toLowerCase(Locale.ROOT));
                }
            }
        }
        for (ChangeSet changeSet : changeSets) {
            if (changeSet.getComments() != null && changeSet.getComments().contains(IGNORE_MARKER)) {
                continue;
            }
            String name = changeSet.getFilePath() + "::" + changeSet.getId() + "::" + changeSet.getAuthor();
            boolean expand = changeSet.getChanges().stream().anyMatch(ExpandContractChange.class::isInstance);
            for (Change change : changeSet.getChanges()) {
                if (change instanceof ExpandSqlChange raw && !Boolean.TRUE.equals(raw.getOnContract())
                        && destructive(raw.getSql()) != null) {
                    findings.add(new LintFinding(name, change.getSerializedObjectName(), "runs SQL at expand that"
                            + " breaks the running version (" + destructive(raw.getSql()) + ")",
                            "onContract: true, or the matching expand change type"));
                }
                if (change instanceof ExpandContractChange || onNewTable(change, created)) {
                    continue;
                }
                String type = change.getSerializedObjectName();
                lint(change, postgres).ifPresent(f -> findings.add(new LintFinding(name, type, f[0], f[1])));
                if (expand) {
                    findings.add(new LintFinding(name, type, "is in a change set with expand/contract changes, whose"
                            + " rollback runs the change set again on the next update",
                            "a change set of its own (before the expand change set)"));
                }
            }
        }
        return findings;
    }

    private static java.util.Optional<String[]> lint(Change change, boolean postgres) {
        String problem = null;
        String replacement = null;
        if (change instanceof DropColumnChange) {
            problem = "drops a column the running version still reads and writes";
            replacement = "expandDropColumn";
        } else if (change instanceof RenameColumnChange) {
            problem = "renames a column under the running version";
            replacement = "expandRenameColumn";
        } else if (change instanceof DropTableChange) {
            problem = "drops a table the running version still uses";
            replacement = "expandDropTable";
        } else if (change instanceof DropIndexChange) {
            problem = "drops an index the running version's queries may need";
            replacement = "expandDropIndex (dropped at contract)";
        } else if (change instanceof RenameTableChange) {
            problem = "renames a table under the running version";
            replacement = "expandRenameTable";
        } else if (change instanceof ModifyDataTypeChange) {
            problem = "changes a column's type under the running version (and rewrites the table under an exclusive lock)";
            replacement = "expandChangeColumnType";
        } else if (change instanceof AddNotNullConstraintChange notNull && notNull.getDefaultNullValue() == null) {
            problem = "makes " + notNull.getColumnName() + " NOT NULL with no value for rows the running version"
                    + " writes without it";
            replacement = "expandAddNotNull with a fillExpression";
        } else if (change instanceof AddColumnChange addColumn && addsNotNullWithoutDefault(addColumn)) {
            problem = "adds a NOT NULL column without a default, so the running version's inserts fail";
            replacement = "expandAddColumn with notNull and a fillExpression";
        } else if (postgres && change instanceof CreateIndexChange) {
            problem = "builds an index under a lock that blocks writes";
            replacement = "expandCreateIndex (CREATE INDEX CONCURRENTLY)";
        } else if (postgres && change instanceof AddForeignKeyConstraintChange) {
            problem = "checks every row under a lock that blocks writes";
            replacement = "expandAddForeignKey (NOT VALID, validated at contract)";
        } else if (postgres && change instanceof AddUniqueConstraintChange) {
            problem = "builds a unique index under a lock that blocks writes";
            replacement = "expandAddUnique (index built concurrently)";
        } else if (change instanceof AbstractSQLChange sql && destructive(sql.getSql()) != null) {
            problem = "runs SQL that drops, renames, retypes or sets NOT NULL (" + destructive(sql.getSql()) + ")";
            replacement = "the matching expand change type (expandDropColumn, expandRenameColumn, expandChangeColumnType,"
                    + " expandAddNotNull, expandDropTable, expandRenameTable)";
        }
        return problem == null ? java.util.Optional.empty() : java.util.Optional.of(new String[] {problem, replacement});
    }

    /** @return the first clause of the SQL that drops, renames, retypes or sets NOT NULL, upper case; null if none */
    private static String destructive(String sql) {
        return sql == null ? null : DESTRUCTIVE_SQL.matcher(sql).results().findFirst()
                .map(m -> m.group().toUpperCase(Locale.ROOT)).orElse(null);
    }

    private static boolean onNewTable(Change change, Set<String> created) {
        String table = null;
        if (change instanceof CreateTableChange createTable) {
            table = createTable.getTableName();
        } else if (change instanceof CreateIndexChange index) {
            table = index.getTableName();
        } else if (change instanceof AddUniqueConstraintChange unique) {
            table = unique.getTableName();
        } else if (change instanceof AddForeignKeyConstraintChange foreignKey) {
            table = foreignKey.getBaseTableName();
        } else if (change instanceof AddNotNullConstraintChange notNull) {
            table = notNull.getTableName();
        } else if (change instanceof AddColumnChange addColumn) {
            table = addColumn.getTableName();
        }
        return table != null && created.contains(table.toLowerCase(Locale.ROOT));
    }

    private static boolean addsNotNullWithoutDefault(AddColumnChange change) {
        for (AddColumnConfig column : change.getColumns()) {
            if (column.getConstraints() != null && Boolean.FALSE.equals(column.getConstraints().isNullable())
                    && !hasDefault(column)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDefault(ColumnConfig column) {
        return column.getDefaultValue() != null || column.getDefaultValueComputed() != null
                || column.getDefaultValueNumeric() != null || column.getDefaultValueBoolean() != null
                || column.getDefaultValueDate() != null;
    }
}
