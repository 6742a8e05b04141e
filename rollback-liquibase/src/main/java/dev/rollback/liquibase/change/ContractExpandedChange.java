package dev.rollback.liquibase.change;

import dev.rollback.core.ledger.JdbcRollbackLedger;
import dev.rollback.liquibase.ExpandContract;
import dev.rollback.liquibase.MigrationException;
import dev.rollback.liquibase.internal.BorrowedConnection;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import liquibase.change.AbstractChange;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;
import liquibase.database.Database;
import liquibase.database.PreparedStatementFactory;
import liquibase.database.core.H2Database;
import liquibase.database.core.PostgresDatabase;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.DatabaseException;
import liquibase.exception.ValidationErrors;
import liquibase.exception.Warnings;
import liquibase.statement.ExecutablePreparedStatement;
import liquibase.statement.SqlStatement;

/**
 * The Liquibase-native way to contract: contracts every expanded migration, refused like
 * {@link ExpandContract#contract()} (bake time, and live instances of older versions when
 * {@code serviceName} is set and the ledger's tables are in the same database).
 *
 * <p>Put it in a change set with {@code runAlways} and {@code runOnChange} and
 * {@code phase="${rollback.phase}"}: it does nothing unless the change log parameter
 * {@value #PHASE_PARAMETER} is {@value #CONTRACT}, so an ordinary update only expands and
 * {@code liquibase update -Drollback.phase=contract} (or Spring's
 * {@code spring.liquibase.parameters.rollback.phase=contract}) contracts.
 */
@DatabaseChange(name = "contractExpanded", description = "Contracts every expanded expand/contract migration",
        priority = ChangeMetaData.PRIORITY_DEFAULT)
public class ContractExpandedChange extends AbstractChange {

    /** The change log parameter that selects the phase. */
    public static final String PHASE_PARAMETER = "rollback.phase";
    /** The value of {@value #PHASE_PARAMETER} that contracts. */
    public static final String CONTRACT = "contract";

    private String phase;
    private String bakeTime;
    private String instanceTimeout;
    private String serviceName;

    /** Creates the change; Liquibase then sets its properties. */
    public ContractExpandedChange() {
    }

    /**
     * Returns the phase this run is in: the change contracts only if it is {@value #CONTRACT} or not set.
     *
     * @return the phase, normally {@code ${rollback.phase}}
     */
    @DatabaseChangeProperty(description = "Contract only if this is 'contract' (or not set); normally ${rollback.phase}",
            requiredForDatabase = ChangeParameterMetaData.NONE, supportsDatabase = ChangeParameterMetaData.ALL)
    public String getPhase() {
        return phase;
    }

    /**
     * Sets the phase this run is in.
     *
     * @param phase the phase
     */
    public void setPhase(String phase) {
        this.phase = phase;
    }

    /**
     * Returns the bake time, an ISO-8601 duration such as {@code PT15M}; default {@link ExpandContract#DEFAULT_BAKE_TIME}.
     *
     * @return the bake time, or null for the default
     */
    @DatabaseChangeProperty(description = "Bake time since the last expand, ISO-8601, e.g. PT15M",
            requiredForDatabase = ChangeParameterMetaData.NONE, supportsDatabase = ChangeParameterMetaData.ALL)
    public String getBakeTime() {
        return bakeTime;
    }

    /**
     * Sets the bake time.
     *
     * @param bakeTime an ISO-8601 duration
     */
    public void setBakeTime(String bakeTime) {
        this.bakeTime = bakeTime;
    }

    /**
     * Returns how old a heartbeat may be, ISO-8601; default {@link ExpandContract#DEFAULT_INSTANCE_TIMEOUT}.
     *
     * @return the timeout, or null for the default
     */
    @DatabaseChangeProperty(description = "How old a heartbeat may be for its instance to count as alive, ISO-8601",
            requiredForDatabase = ChangeParameterMetaData.NONE, supportsDatabase = ChangeParameterMetaData.ALL)
    public String getInstanceTimeout() {
        return instanceTimeout;
    }

    /**
     * Sets how old a heartbeat may be.
     *
     * @param instanceTimeout an ISO-8601 duration
     */
    public void setInstanceTimeout(String instanceTimeout) {
        this.instanceTimeout = instanceTimeout;
    }

    /**
     * Returns the service whose live instances in the ledger block the contract, or null for none.
     *
     * @return the service
     */
    @DatabaseChangeProperty(description = "The service whose instances in the ledger block a contract",
            requiredForDatabase = ChangeParameterMetaData.NONE, supportsDatabase = ChangeParameterMetaData.ALL)
    public String getServiceName() {
        return serviceName;
    }

    /**
     * Sets the service whose live instances block the contract.
     *
     * @param serviceName the service
     */
    public void setServiceName(String serviceName) {
        this.serviceName = serviceName;
    }

    @Override
    public SqlStatement[] generateStatements(Database database) {
        return new SqlStatement[] {new ContractStatement(database)};
    }

    @Override
    public boolean generateStatementsVolatile(Database database) {
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
        for (String[] duration : new String[][] {{"bakeTime", bakeTime}, {"instanceTimeout", instanceTimeout}}) {
            if (duration[1] != null) {
                try {
                    Duration.parse(duration[1]);
                } catch (DateTimeParseException e) {
                    errors.addError("contractExpanded: " + duration[0] + " must be an ISO-8601 duration such as PT15M, was '"
                            + duration[1] + "'");
                }
            }
        }
        return errors;
    }

    @Override
    public String getConfirmationMessage() {
        return phase != null && !CONTRACT.equals(phase.strip()) ? "contract skipped: " + PHASE_PARAMETER + " is '" + phase + "'"
                : "expanded migrations contracted";
    }

    @Override
    public String getSerializedObjectNamespace() {
        return ExpandContractChange.NAMESPACE;
    }

    /** Runs the contract on Liquibase's connection. */
    private final class ContractStatement implements ExecutablePreparedStatement {

        private final Database database;

        ContractStatement(Database database) {
            this.database = database;
        }

        @Override
        public void execute(PreparedStatementFactory factory) throws DatabaseException {
            if (phase != null && !CONTRACT.equals(phase.strip())) {
                return; // an ordinary update: expand only
            }
            BorrowedConnection connection = new BorrowedConnection(
                    ((JdbcConnection) database.getConnection()).getUnderlyingConnection());
            ExpandContract.Builder builder = ExpandContract.builder(connection, "(contractExpanded)");
            if (bakeTime != null) {
                builder.bakeTime(Duration.parse(bakeTime));
            }
            if (instanceTimeout != null) {
                builder.instanceTimeout(Duration.parse(instanceTimeout));
            }
            if (serviceName != null) {
                builder.ledger(new JdbcRollbackLedger(connection)).serviceName(serviceName);
            }
            try {
                builder.build().contract();
            } catch (MigrationException e) {
                throw new DatabaseException(e.getMessage(), e);
            }
        }

        @Override
        public boolean skipOnUnsupported() {
            return false;
        }

        @Override
        public boolean continueOnError() {
            return false;
        }

        @Override
        public String getFormattedStatement(Database target) {
            return "-- contractExpanded: contract every expanded migration";
        }
    }
}
