package dev.rollback.liquibase.internal;

import dev.rollback.liquibase.MigrationException;
import java.sql.SQLException;
import java.util.Optional;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.PreparedStatementFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.DatabaseException;
import liquibase.statement.ExecutablePreparedStatement;

/**
 * What an expand/contract change type gives Liquibase to execute: Liquibase's JDBC executor hands
 * it the connection, and it runs the expand (on update) or rollback (on Liquibase rollback) step of
 * its migration through the {@link Engine}.
 */
public final class StepStatement implements ExecutablePreparedStatement {

    /** Which step. */
    public enum Step {
        /** The expand step, run by Liquibase update. */
        EXPAND,
        /** The rollback step, run by Liquibase rollback. */
        ROLLBACK
    }

    private final Step step;
    private final Database database;
    private final ChangeSetRef ref;
    private final String id;
    private final MigrationSpec spec;
    private final Settings outsideExpandContract;

    /**
     * @param step     which step
     * @param database the database
     * @param ref      the change set
     * @param id       the migration id
     * @param spec     what the change asks for
     * @param outsideExpandContract the settings when Liquibase runs without {@code ExpandContract}
     */
    public StepStatement(Step step, Database database, ChangeSetRef ref, String id, MigrationSpec spec,
                         Settings outsideExpandContract) {
        this.outsideExpandContract = outsideExpandContract;
        this.step = step;
        this.database = database;
        this.ref = ref;
        this.id = id;
        this.spec = spec;
    }

    @Override
    public void execute(PreparedStatementFactory factory) throws DatabaseException {
        Settings settings = Optional.ofNullable(Scope.getCurrentScope().get(Settings.SCOPE_KEY, Settings.class))
                .orElse(outsideExpandContract);
        try {
            Engine engine = new Engine(((JdbcConnection) database.getConnection()).getUnderlyingConnection(), settings);
            if (step == Step.EXPAND) {
                engine.expand(ref, id, spec);
            } else {
                PhaseTable.Row row = engine.rows().stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
                if (row != null) {
                    engine.rollback(row);
                }
            }
        } catch (SQLException | MigrationException e) {
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
        return toString();
    }

    @Override
    public String toString() {
        return "-- " + spec.kind().changeName() + ": " + step.name().toLowerCase(java.util.Locale.ROOT) + " step of " + id;
    }
}
