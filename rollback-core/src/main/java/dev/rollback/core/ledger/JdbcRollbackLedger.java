package dev.rollback.core.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ledger kept in a relational database through plain JDBC. H2 and PostgreSQL are supported; the
 * tables are created by {@link #createSchema()}, or by a migration tool from the same DDL, found in
 * the resource {@code dev/rollback/core/ledger/schema.sql}, which is the same for both.
 *
 * <p>Every write is idempotent by record id, as {@link RollbackLedger} requires, and safe against
 * other instances writing the same record at the same time: a write updates the row with the id
 * and, if there is none, inserts it; if the insert then loses to another writer (an integrity
 * violation, SQLState class {@code 23}), the update is repeated, or, for a rollback, the row
 * already there is kept. Each write takes a connection from the data source for its own statements
 * only, in auto-commit mode, so a failed statement never leaves a transaction open or aborted.
 *
 * <p>Times are stored as {@code TIMESTAMP WITH TIME ZONE} in UTC, cut to whole microseconds (the
 * precision of both databases) so that every database reads back the same instant. A rollback
 * reason longer than {@value #MAX_REASON_LENGTH} characters is cut to that length; any other text
 * longer than its column is refused with an {@link IllegalArgumentException}, because no retry
 * could ever write it. A write or read that fails in the database throws {@link LedgerException},
 * which names the record and keeps the {@link java.sql.SQLException} as its cause, so that a writer
 * can tell with {@link LedgerFailure#of(Throwable)} a record the database refuses (retrying it
 * cannot help) from a database that is unavailable (retrying may). Text is written as it is given:
 * escaping it is for whoever makes the record ({@link LedgerText}); PostgreSQL refuses a NUL
 * character in a text.
 *
 * <p>Instances are safe for use from several threads and hold no resources of their own: the data
 * source, and its connection pool if any, belong to the caller.
 */
public final class JdbcRollbackLedger implements RollbackLedger {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcRollbackLedger.class);

    /** Longest rollback reason kept, in characters; a longer reason is cut to this length. */
    public static final int MAX_REASON_LENGTH = LedgerText.MAX_REASON_LENGTH;

    private static final int VERSION_ID_LENGTH = 36;
    private static final int RECORD_ID_LENGTH = 64;
    private static final int NAME_LENGTH = LedgerText.MAX_NAME_LENGTH;

    private static final String INTEGRITY_VIOLATION_CLASS = "23";
    private static final int DDL_ATTEMPTS = 3;
    private static final Pattern STATEMENT_END = Pattern.compile(";[ \\t]*(?:\\R|$)");

    private static final String UPDATE_VERSION =
            "UPDATE microservice_version SET status = ? WHERE id = ?";
    private static final String INSERT_VERSION =
            "INSERT INTO microservice_version (id, service_name, version, deployment_time, status)"
                    + " VALUES (?, ?, ?, ?, ?)";
    private static final String SELECT_VERSIONS =
            "SELECT id, service_name, version, deployment_time, status FROM microservice_version"
                    + " WHERE service_name = ? ORDER BY deployment_time, id";

    private static final String UPDATE_DEPLOYMENT_RESULT =
            "UPDATE deployment_record SET result = ? WHERE id = ?";
    private static final String UPDATE_DEPLOYMENT_END =
            "UPDATE deployment_record SET result = ?, end_time = ? WHERE id = ?";
    private static final String INSERT_DEPLOYMENT =
            "INSERT INTO deployment_record (id, microservice_version_id, instance_id, start_time, end_time, result,"
                    + " heartbeat_time) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_HEARTBEAT =
            "UPDATE deployment_record SET heartbeat_time = ? WHERE id = ? AND end_time IS NULL"
                    + " AND heartbeat_time < ?";
    private static final String SELECT_RUNNING =
            "SELECT d.id, v.service_name, v.version, d.instance_id, d.start_time, d.heartbeat_time"
                    + " FROM deployment_record d JOIN microservice_version v ON v.id = d.microservice_version_id"
                    + " WHERE v.service_name = ? AND d.end_time IS NULL ORDER BY d.start_time, d.id";
    private static final String SELECT_DEPLOYMENTS =
            "SELECT id, microservice_version_id, instance_id, start_time, end_time, result FROM deployment_record"
                    + " WHERE microservice_version_id = ? ORDER BY start_time, id";

    private static final String INSERT_ROLLBACK =
            "INSERT INTO rollback_record (id, deployment_record_id, rollback_time, reason, feature, scope, actor,"
                    + " trigger_kind, from_version, to_version, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_OUTCOME = "UPDATE rollback_record SET outcome = ? WHERE id = ?";
    private static final String ROLLBACK_EXISTS = "SELECT 1 FROM rollback_record WHERE id = ?";
    private static final String SELECT_ROLLBACKS =
            "SELECT id, deployment_record_id, rollback_time, reason, feature, scope, actor, trigger_kind,"
                    + " from_version, to_version, outcome FROM rollback_record WHERE deployment_record_id = ? ORDER BY rollback_time, id";

    private final DataSource dataSource;

    /**
     * Creates a ledger on a data source. Nothing is read or written until the first call; call
     * {@link #createSchema()} first unless the tables are created otherwise.
     *
     * @param dataSource where the tables are; a pooled data source is recommended
     */
    public JdbcRollbackLedger(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Creates the ledger's tables and indexes where they do not exist yet, with the DDL for the
     * database the data source connects to. Safe to call on every start, and from several instances
     * at once: existing tables and their records are left as they are, and a statement that loses a
     * race with another instance creating the same table is run again and then finds it.
     *
     * @throws IllegalStateException if the database is neither H2 nor PostgreSQL
     * @throws LedgerException       if the database refuses a statement or cannot be reached
     */
    public void createSchema() {
        withConnection("create its tables", connection -> {
            String product = connection.getMetaData().getDatabaseProductName();
            List<String> statements = statements(schemaResource(product));
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    executeDdl(statement, sql);
                }
            }
            keyFleetVerdictsByVersion(connection);
            return null;
        });
    }

    /**
     * Moves the primary key of a {@code fleet_verdict} table created before verdicts were kept per
     * service version, {@code (service_name, feature, epoch)}, to {@code (service_name, service_version,
     * feature, epoch)}: the old key would refuse a new version's first verdict. The old key's name is the
     * database's own (it differs between H2 and PostgreSQL), hence this step in code. Of several instances
     * doing it at once one succeeds; the others' statements fail and they find the new key.
     */
    private static void keyFleetVerdictsByVersion(Connection connection) throws SQLException {
        String oldKey = fleetVerdictKeyWithoutVersion(connection);
        if (oldKey == null) {
            return;
        }
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE fleet_verdict DROP CONSTRAINT \"" + oldKey.replace("\"", "\"\"") + '"');
            statement.execute("ALTER TABLE fleet_verdict ADD CONSTRAINT pk_fleet_verdict"
                    + " PRIMARY KEY (service_name, service_version, feature, epoch)");
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            if (fleetVerdictKeyWithoutVersion(connection) != null) {
                throw e;
            }
            LOG.debug("Another instance moved the fleet verdicts' primary key first: {}", e.toString());
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Returns the name of fleet_verdict's primary key if it lacks service_version, else null. */
    private static @Nullable String fleetVerdictKeyWithoutVersion(Connection connection) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String table = metaData.storesUpperCaseIdentifiers() ? "FLEET_VERDICT" : "fleet_verdict";
        String name = null;
        boolean hasVersion = false;
        try (ResultSet columns = metaData.getPrimaryKeys(connection.getCatalog(), connection.getSchema(), table)) {
            while (columns.next()) {
                name = columns.getString("PK_NAME");
                hasVersion |= "service_version".equalsIgnoreCase(columns.getString("COLUMN_NAME"));
            }
        }
        return hasVersion ? null : name;
    }

    /**
     * Runs one DDL statement, and again if it fails: both databases may fail a {@code CREATE ... IF
     * NOT EXISTS} that races with another instance creating the same table or index (PostgreSQL with
     * a unique violation in its catalog once the other has committed, H2 with an internal "object
     * already exists" error), and the statement then finds the object. A statement that fails for
     * any other reason fails again the same way, harmlessly, since each one is idempotent.
     */
    private static void executeDdl(Statement statement, String sql) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                statement.execute(sql);
                return;
            } catch (SQLException e) {
                if (attempt == DDL_ATTEMPTS) {
                    throw e;
                }
                LOG.debug("Running the ledger's DDL statement again, probably after a race with another instance: {}",
                        e.toString());
            }
        }
    }

    @Override
    public void recordVersion(MicroserviceVersion version) {
        Objects.requireNonNull(version, "version");
        checkLength("version id", version.id(), VERSION_ID_LENGTH);
        checkLength("service name", version.serviceName(), NAME_LENGTH);
        checkLength("version", version.version(), NAME_LENGTH);
        String what = "record version " + version.id() + " (" + version.serviceName() + " " + version.version() + ")";
        withConnection(what, connection -> {
            if (updateVersion(connection, version) == 0) {
                try (PreparedStatement insert = connection.prepareStatement(INSERT_VERSION)) {
                    insert.setString(1, version.id());
                    insert.setString(2, version.serviceName());
                    insert.setString(3, version.version());
                    insert.setObject(4, utc(version.deploymentTime()));
                    insert.setString(5, version.status().name());
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (!isIntegrityViolation(e) || updateVersion(connection, version) == 0) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void recordDeployment(DeploymentRecord deployment) {
        Objects.requireNonNull(deployment, "deployment");
        checkLength("deployment id", deployment.id(), RECORD_ID_LENGTH);
        checkLength("version id", deployment.microserviceVersionId(), VERSION_ID_LENGTH);
        checkLength("instance id", deployment.instanceId(), NAME_LENGTH);
        withConnection("record deployment " + deployment.id(), connection -> {
            if (updateDeployment(connection, deployment) == 0) {
                try (PreparedStatement insert = connection.prepareStatement(INSERT_DEPLOYMENT)) {
                    insert.setString(1, deployment.id());
                    insert.setString(2, deployment.microserviceVersionId());
                    insert.setString(3, deployment.instanceId());
                    insert.setObject(4, utc(deployment.startTime()));
                    if (deployment.endTime() == null) {
                        insert.setNull(5, Types.TIMESTAMP_WITH_TIMEZONE);
                    } else {
                        insert.setObject(5, utc(deployment.endTime()));
                    }
                    insert.setString(6, deployment.result().name());
                    insert.setObject(7, utc(deployment.startTime()));
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (!isIntegrityViolation(e) || updateDeployment(connection, deployment) == 0) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void recordRollback(RollbackRecord rollback) {
        Objects.requireNonNull(rollback, "rollback");
        checkLength("rollback id", rollback.id(), RECORD_ID_LENGTH);
        checkLength("deployment id", rollback.deploymentRecordId(), RECORD_ID_LENGTH);
        checkLength("feature", rollback.feature(), NAME_LENGTH);
        checkLength("actor", rollback.actor(), NAME_LENGTH);
        checkLength("trigger", rollback.trigger(), NAME_LENGTH);
        checkLength("from-version", rollback.fromVersion(), NAME_LENGTH);
        checkLength("to-version", rollback.toVersion(), NAME_LENGTH);
        withConnection("record rollback " + rollback.id(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT_ROLLBACK)) {
                insert.setString(1, rollback.id());
                insert.setString(2, rollback.deploymentRecordId());
                insert.setObject(3, utc(rollback.rollbackTime()));
                insert.setString(4, LedgerText.cut(rollback.reason(), MAX_REASON_LENGTH));
                insert.setString(5, rollback.feature());
                insert.setString(6, rollback.scope().name());
                insert.setString(7, rollback.actor());
                insert.setString(8, rollback.trigger());
                insert.setString(9, rollback.fromVersion());
                insert.setString(10, rollback.toVersion());
                insert.setString(11, rollback.outcome() == null ? null : rollback.outcome().name());
                insert.executeUpdate();
            } catch (SQLException e) {
                // Only a row with this id makes the violation harmless; a missing deployment is not.
                if (!isIntegrityViolation(e) || !rollbackExists(connection, rollback.id())) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public List<MicroserviceVersion> versions(String serviceName) {
        Objects.requireNonNull(serviceName, "serviceName");
        return query("read the versions of service " + serviceName, SELECT_VERSIONS, serviceName,
                row -> new MicroserviceVersion(row.getString("id"), row.getString("service_name"),
                        row.getString("version"), instant(row, "deployment_time"),
                        enumValue(VersionStatus.class, row, "status", "microservice_version")));
    }

    @Override
    public List<DeploymentRecord> deployments(String microserviceVersionId) {
        Objects.requireNonNull(microserviceVersionId, "microserviceVersionId");
        return query("read the deployments of version " + microserviceVersionId, SELECT_DEPLOYMENTS,
                microserviceVersionId,
                row -> new DeploymentRecord(row.getString("id"), row.getString("microservice_version_id"),
                        row.getString("instance_id"), instant(row, "start_time"), instant(row, "end_time"),
                        enumValue(DeploymentResult.class, row, "result", "deployment_record")));
    }

    @Override
    public List<RollbackRecord> rollbacks(String deploymentRecordId) {
        Objects.requireNonNull(deploymentRecordId, "deploymentRecordId");
        return query("read the rollbacks of deployment " + deploymentRecordId, SELECT_ROLLBACKS, deploymentRecordId,
                row -> new RollbackRecord(row.getString("id"), row.getString("deployment_record_id"),
                        instant(row, "rollback_time"), row.getString("reason"), row.getString("feature"),
                        enumValue(RollbackScope.class, row, "scope", "rollback_record"), row.getString("actor"),
                        row.getString("trigger_kind"), row.getString("from_version"), row.getString("to_version"),
                        optionalEnumValue(RollbackOutcome.class, row, "outcome", "rollback_record")));
    }

    @Override
    public void recordOutcome(String rollbackId, RollbackOutcome outcome) {
        Objects.requireNonNull(rollbackId, "rollbackId");
        Objects.requireNonNull(outcome, "outcome");
        withConnection("record the outcome of rollback " + rollbackId, connection -> {
            try (PreparedStatement update = connection.prepareStatement(UPDATE_OUTCOME)) {
                update.setString(1, outcome.name());
                update.setString(2, rollbackId);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public void heartbeat(String deploymentRecordId, Instant time) {
        Objects.requireNonNull(deploymentRecordId, "deploymentRecordId");
        Objects.requireNonNull(time, "time");
        withConnection("record a heartbeat of deployment " + deploymentRecordId, connection -> {
            try (PreparedStatement update = connection.prepareStatement(UPDATE_HEARTBEAT)) {
                update.setObject(1, utc(time));
                update.setString(2, deploymentRecordId);
                update.setObject(3, utc(time));
                return update.executeUpdate();
            }
        });
    }

    @Override
    public List<ServiceInstance> runningInstances(String serviceName) {
        Objects.requireNonNull(serviceName, "serviceName");
        return query("read the running instances of service " + serviceName, SELECT_RUNNING, serviceName,
                row -> new ServiceInstance(row.getString("id"), row.getString("service_name"),
                        row.getString("version"), row.getString("instance_id"), instant(row, "start_time"),
                        instant(row, "heartbeat_time")));
    }

    /** Returns the DDL resource for a database product, as named by JDBC's metadata. */
    static String schemaResource(String databaseProductName) {
        if ("H2".equalsIgnoreCase(databaseProductName) || "PostgreSQL".equalsIgnoreCase(databaseProductName)) {
            return "schema.sql";
        }
        throw new IllegalStateException("The rollback ledger does not support the database '" + databaseProductName
                + "'; supported are H2 and PostgreSQL. Use one of them, or create the tables yourself and do not"
                + " call createSchema().");
    }

    /** Reads a DDL resource and splits it into statements: each ends with ';' at the end of a line. */
    static List<String> statements(String resource) {
        String text;
        try (InputStream in = JdbcRollbackLedger.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + resource + " is missing next to "
                        + JdbcRollbackLedger.class.getName());
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + resource, e);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\\R")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : STATEMENT_END.split(sql)) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }

    private static int updateVersion(Connection connection, MicroserviceVersion version) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(UPDATE_VERSION)) {
            update.setString(1, version.status().name());
            update.setString(2, version.id());
            return update.executeUpdate();
        }
    }

    private static int updateDeployment(Connection connection, DeploymentRecord deployment) throws SQLException {
        boolean ended = deployment.endTime() != null;
        try (PreparedStatement update = connection.prepareStatement(
                ended ? UPDATE_DEPLOYMENT_END : UPDATE_DEPLOYMENT_RESULT)) {
            update.setString(1, deployment.result().name());
            if (ended) {
                update.setObject(2, utc(deployment.endTime()));
            }
            update.setString(ended ? 3 : 2, deployment.id());
            return update.executeUpdate();
        }
    }

    private static boolean rollbackExists(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(ROLLBACK_EXISTS)) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private <T> List<T> query(String what, String sql, String key, SqlFunction<ResultSet, T> mapper) {
        return withConnection(what, connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, key);
                try (ResultSet rows = select.executeQuery()) {
                    List<T> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(mapper.apply(rows));
                    }
                    return List.copyOf(result);
                }
            }
        });
    }

    private <T> T withConnection(String what, SqlFunction<Connection, T> work) {
        return withConnection(dataSource, "The rollback ledger could not " + what, work);
    }

    /**
     * Runs {@code work} on a connection of its own in auto-commit mode; a failure throws
     * {@link LedgerException} saying {@code failure} and keeping the {@link SQLException}.
     */
    static <T> T withConnection(DataSource dataSource, String failure, SqlFunction<Connection, T> work) {
        try (Connection connection = dataSource.getConnection()) {
            // Each statement must stand alone: PostgreSQL refuses every statement after a failed
            // one in the same transaction, and the writes above expect their insert to fail.
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            return work.apply(connection);
        } catch (SQLException e) {
            throw new LedgerException(failure + ": " + e.getMessage()
                    + " (SQLState " + e.getSQLState() + ")", e);
        }
    }

    static boolean isIntegrityViolation(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith(INTEGRITY_VIOLATION_CLASS);
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, ResultSet row, String column, String table)
            throws SQLException {
        String name = row.getString(column);
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new LedgerException("Row " + row.getString("id") + " of " + table + " has " + column + " '" + name
                    + "', which this version of rollback does not know; known are "
                    + List.of(type.getEnumConstants()), e);
        }
    }

    private static <E extends Enum<E>> @Nullable E optionalEnumValue(Class<E> type, ResultSet row, String column,
                                                                     String table) throws SQLException {
        return row.getString(column) == null ? null : enumValue(type, row, column, table);
    }

    private static void checkLength(String what, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw new IllegalArgumentException("The " + what + " '" + LedgerText.cut(value, 80) + "...' is " + value.length()
                    + " characters long; the rollback ledger keeps at most " + maxLength);
        }
    }

    /** A function that may throw {@link SQLException}. */
    @FunctionalInterface
    interface SqlFunction<T, R> {
        R apply(T input) throws SQLException;
    }
}
