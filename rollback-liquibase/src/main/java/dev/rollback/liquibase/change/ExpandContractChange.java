package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.ChangeSetRef;
import dev.rollback.liquibase.internal.Kind;
import dev.rollback.liquibase.internal.MigrationSpec;
import dev.rollback.liquibase.internal.Settings;
import dev.rollback.liquibase.internal.StepStatement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import liquibase.Scope;
import liquibase.change.AbstractChange;
import liquibase.change.ChangeFactory;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.database.Database;
import liquibase.database.core.H2Database;
import liquibase.database.core.PostgresDatabase;
import liquibase.exception.ValidationErrors;
import liquibase.exception.Warnings;
import liquibase.statement.SqlStatement;

/**
 * The base of the expand/contract change types. Liquibase update runs a change's expand step; its
 * contract and rollback steps run later from the phase table (see {@code ExpandContract}), and
 * Liquibase rollback of the change set runs its rollback step too.
 *
 * <p>A change's migration is named by its change set and its place in it, so the same change set run
 * again (after a rollback) finds its archived values.
 */
public abstract class ExpandContractChange extends AbstractChange {

    /** The XML namespace of the change types. */
    public static final String NAMESPACE = "http://rollback.dev/xml/ns/liquibase";

    /** Creates the change; Liquibase then sets its properties. */
    protected ExpandContractChange() {
    }

    abstract Kind kind();

    /**
     * Returns the change's properties by name, null for those not set: the parameters of the change
     * type's Liquibase metadata (its {@link DatabaseChangeProperty} getters), the one description of
     * them that the XML schema, the serializers and the steps share.
     *
     * @return the properties
     */
    final Map<String, String> properties() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (ChangeParameterMetaData parameter : metaData().getParameters().values()) {
            properties.put(parameter.getParameterName(), serialize(parameter.getParameterName(), parameter.getCurrentValue(this)));
        }
        return properties;
    }

    /**
     * Returns a property's value as the steps read it.
     *
     * @param property the property's name
     * @param value    its value, or null
     * @return its text, or null
     */
    String serialize(String property, Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private ChangeMetaData metaData() {
        return Scope.getCurrentScope().getSingleton(ChangeFactory.class).getChangeMetaData(this);
    }

    /**
     * Returns what this change asks for.
     *
     * @return the spec
     */
    MigrationSpec spec() {
        Map<String, String> properties = new HashMap<>(properties());
        properties.put(MigrationSpec.PREVIOUS_CHANGE_SET, previousChangeSet());
        return new MigrationSpec(kind(), properties);
    }

    /**
     * The change set before this one in the change log being run, leaving out those that run
     * always: the last change set the previous version knows, whose version schema it uses.
     */
    private String previousChangeSet() {
        ChangeSet changeSet = getChangeSet();
        if (changeSet == null || changeSet.getChangeLog() == null) {
            return null;
        }
        DatabaseChangeLog root = changeSet.getChangeLog().getRootChangeLog();
        List<ChangeSet> all = (root == null ? changeSet.getChangeLog() : root).getChangeSets();
        for (int i = all.indexOf(changeSet) - 1; i >= 0; i--) {
            if (!all.get(i).isAlwaysRun()) {
                return all.get(i).getId();
            }
        }
        return null;
    }

    /**
     * Returns the migration id: change log path, change set id and author, change type and its place
     * in the change set.
     *
     * @return the id
     */
    public String migrationId() {
        ChangeSet changeSet = getChangeSet();
        int index = changeSet == null ? 0 : changeSet.getChanges().indexOf(this);
        return ref() + "::" + kind().changeName() + "#" + index;
    }

    private ChangeSetRef ref() {
        ChangeSet changeSet = getChangeSet();
        return changeSet == null ? new ChangeSetRef("", "", "")
                : new ChangeSetRef(changeSet.getFilePath(), changeSet.getId(), changeSet.getAuthor());
    }

    @Override
    public SqlStatement[] generateStatements(Database database) {
        return new SqlStatement[] {new StepStatement(StepStatement.Step.EXPAND, database, ref(), migrationId(), spec(),
                settings())};
    }

    @Override
    public SqlStatement[] generateRollbackStatements(Database database) {
        return new SqlStatement[] {new StepStatement(StepStatement.Step.ROLLBACK, database, ref(), migrationId(), spec(),
                settings())};
    }

    /** The settings from the change log parameters {@code rollback.*}, for runs without {@code ExpandContract}. */
    private Settings settings() {
        ChangeSet changeSet = getChangeSet();
        if (changeSet == null || changeSet.getChangeLogParameters() == null) {
            return Settings.defaults();
        }
        return Settings.fromParameters(name -> {
            Object value = changeSet.getChangeLogParameters().getValue(name, changeSet.getChangeLog());
            return value == null ? null : value.toString();
        });
    }

    @Override
    public boolean supportsRollback(Database database) {
        return supports(database);
    }

    @Override
    public boolean generateStatementsVolatile(Database database) {
        return false;
    }

    @Override
    public boolean generateRollbackStatementsVolatile(Database database) {
        return false;
    }

    @Override
    public boolean supports(Database database) {
        return database instanceof PostgresDatabase || database instanceof H2Database;
    }

    @Override
    public Warnings warn(Database database) {
        return new Warnings();
    }

    @Override
    public ValidationErrors validate(Database database) {
        ValidationErrors errors = new ValidationErrors(this);
        if (!supports(database)) {
            errors.addError(kind().changeName() + " supports PostgreSQL and H2, not " + database.getShortName());
        }
        Map<String, String> properties = properties();
        ExpandRenameTableChange.refuseLaterChangesOfTheTable(this, properties, database instanceof PostgresDatabase,
                errors);
        if (database instanceof PostgresDatabase) {
            ExpandRenameColumnChange.refuseLaterChangesOfTheColumn(this, properties, errors);
        }
        for (ChangeParameterMetaData parameter : metaData().getParameters().values()) {
            String value = properties.get(parameter.getParameterName());
            if (parameter.getRequiredForDatabase().contains(ChangeParameterMetaData.ALL) && (value == null || value.isBlank())) {
                errors.addError(kind().changeName() + " needs " + parameter.getParameterName());
            }
        }
        for (Map.Entry<String, String> property : properties.entrySet()) {
            if (property.getKey().endsWith("Name") && property.getValue() != null
                    && !property.getValue().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                errors.addError(kind().changeName() + ": " + property.getKey() + " must be a plain SQL identifier,"
                        + " was '" + property.getValue() + "'");
            }
        }
        return errors;
    }

    @Override
    public String getConfirmationMessage() {
        return kind().changeName() + " on " + properties().get("tableName") + " expanded";
    }

    @Override
    public String getSerializedObjectNamespace() {
        return NAMESPACE;
    }
}
