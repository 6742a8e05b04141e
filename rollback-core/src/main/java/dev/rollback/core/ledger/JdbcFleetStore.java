package dev.rollback.core.ledger;

import dev.rollback.core.fleet.FleetBlock;
import dev.rollback.core.fleet.FleetScope;
import dev.rollback.core.fleet.FleetStore;
import dev.rollback.core.fleet.FleetVerdict;
import dev.rollback.core.fleet.PooledBlocks;
import dev.rollback.core.fleet.PublishedBlock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link FleetStore} in the ledger's database through plain JDBC, H2 or PostgreSQL. Its tables
 * ({@code fleet_block}, {@code fleet_instance}, {@code fleet_verdict}) are part of the ledger's schema:
 * {@link dev.rollback.core.ledger.JdbcRollbackLedger#createSchema()} creates them, as does the
 * ledger's Liquibase change log.
 *
 * <p>Every row carries its {@link FleetScope}: {@code service_name} and {@code service_version}. A
 * publication is one transaction (the blocks in one batch and the heartbeat), so a failed one leaves
 * nothing and is repeated whole. Blocks are inserted with ids from an identity column (a
 * sequence that PostgreSQL and H2 hand out in increasing order, with no per-session cache); the fleet
 * judge reads the blocks of its scope one by one from a little below the newest it has added
 * ({@link #blocks(FleetScope, String, long)}, served by the index {@code ix_fleet_block_scope}), and
 * {@link #pooled(FleetScope, String, long)} adds them up in one query for a full re-sum. Blocks are
 * deleted only up to a verdict's newest block ({@link #deleteBlocks(FleetScope, String, long)}). A
 * verdict's primary key is its service, version, feature and epoch: of two instances reaching
 * the same verdict at once, the database keeps the first and refuses the second. An instance's
 * heartbeat row is keyed by service and instance id, and carries the version of its last heartbeat. A failure throws {@link LedgerException} with the
 * {@link SQLException} as its cause.
 *
 * <p>Instances are safe for use from several threads and hold no resources of their own.
 */
public final class JdbcFleetStore implements FleetStore {

    private static final int TEXT_LENGTH = LedgerText.MAX_REASON_LENGTH;

    private static final String INSERT_BLOCK = "INSERT INTO fleet_block (service_name, service_version, feature,"
            + " instance_id, block_start, block_end, pairs, new_only_failures, old_only_failures, latency_pairs,"
            + " sum_log_ratio, sum_squared_log_ratio, sum_new_log) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_HEARTBEAT =
            "UPDATE fleet_instance SET heartbeat_time = ?, service_version = ? WHERE service_name = ? AND instance_id = ?";
    private static final String INSERT_HEARTBEAT =
            "INSERT INTO fleet_instance (service_name, service_version, instance_id, heartbeat_time) VALUES (?, ?, ?, ?)";
    private static final String SELECT_POOLED = "SELECT instance_id, MIN(block_start) AS first_start,"
            + " MAX(block_end) AS last_end, SUM(pairs) AS pairs, SUM(new_only_failures) AS new_only,"
            + " SUM(old_only_failures) AS old_only, SUM(latency_pairs) AS latency_pairs,"
            + " SUM(sum_log_ratio) AS s1, SUM(sum_squared_log_ratio) AS s2, SUM(sum_new_log) AS s3,"
            + " MAX(id) AS last_id FROM fleet_block WHERE service_name = ? AND service_version = ? AND feature = ? AND id > ?"
            + " GROUP BY instance_id ORDER BY instance_id";
    private static final String SELECT_BLOCKS = "SELECT id, instance_id, block_start, block_end, pairs,"
            + " new_only_failures, old_only_failures, latency_pairs, sum_log_ratio, sum_squared_log_ratio,"
            + " sum_new_log FROM fleet_block WHERE service_name = ? AND service_version = ? AND feature = ? AND id > ?"
            + " ORDER BY id";
    private static final String DELETE_BLOCKS = "DELETE FROM fleet_block WHERE service_name = ? AND service_version = ?"
            + " AND feature = ? AND id <= ?";
    private static final String SELECT_LATEST_VERDICT = "SELECT feature, epoch, last_block_id, decided_by,"
            + " decision_time, evidence, instances FROM fleet_verdict WHERE service_name = ? AND service_version = ?"
            + " AND feature = ?"
            + " ORDER BY epoch DESC FETCH FIRST 1 ROWS ONLY";
    private static final String INSERT_VERDICT = "INSERT INTO fleet_verdict (service_name, service_version,"
            + " feature, epoch, last_block_id, decided_by, decision_time, evidence, instances)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_LIVE = "SELECT instance_id FROM fleet_instance"
            + " WHERE service_name = ? AND service_version = ? AND heartbeat_time >= ? ORDER BY instance_id";

    private final DataSource dataSource;

    /**
     * Creates a store on the ledger's data source; nothing is read or written until the first call.
     *
     * @param dataSource where the ledger's tables are
     */
    public JdbcFleetStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public void publish(FleetScope scope, String instance, Instant heartbeat, List<FleetBlock> blocks) {
        Objects.requireNonNull(heartbeat, "heartbeat");
        withConnection("publish " + blocks.size() + " block(s) of instance " + instance, connection -> {
            connection.setAutoCommit(false);
            try {
                if (!blocks.isEmpty()) {
                    try (PreparedStatement insert = connection.prepareStatement(INSERT_BLOCK)) {
                        for (FleetBlock b : blocks) {
                            int i = setScope(insert, 1, scope);
                            insert.setString(i++, b.feature());
                            insert.setString(i++, b.instance());
                            insert.setObject(i++, JdbcRollbackLedger.utc(b.start()));
                            insert.setObject(i++, JdbcRollbackLedger.utc(b.end()));
                            insert.setLong(i++, b.pairs());
                            insert.setLong(i++, b.newOnlyFailures());
                            insert.setLong(i++, b.oldOnlyFailures());
                            insert.setLong(i++, b.latencyPairs());
                            insert.setDouble(i++, b.sumLogRatio());
                            insert.setDouble(i++, b.sumSquaredLogRatio());
                            insert.setDouble(i, b.sumNewLog());
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                }
                beat(connection, scope, instance, heartbeat);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                // A pool hands the connection on: leave it as it came.
                connection.setAutoCommit(true);
            }
            return null;
        });
    }

    /** Updates the heartbeat and version, or inserts them: only the instance itself writes its row. */
    private static void beat(Connection connection, FleetScope scope, String instance, Instant heartbeat)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(UPDATE_HEARTBEAT)) {
            update.setObject(1, JdbcRollbackLedger.utc(heartbeat));
            update.setString(2, scope.version());
            update.setString(3, scope.service());
            update.setString(4, instance);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_HEARTBEAT)) {
            int i = setScope(insert, 1, scope);
            insert.setString(i++, instance);
            insert.setObject(i, JdbcRollbackLedger.utc(heartbeat));
            insert.executeUpdate();
        }
    }

    /** Sets the scope's service and version as parameters {@code at} and {@code at + 1}; returns the next. */
    private static int setScope(PreparedStatement statement, int at, FleetScope scope) throws SQLException {
        statement.setString(at, scope.service());
        statement.setString(at + 1, scope.version());
        return at + 2;
    }

    @Override
    public List<PublishedBlock> blocks(FleetScope scope, String feature, long afterBlockId) {
        return withConnection("read the blocks of feature " + feature, connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_BLOCKS)) {
                int i = setScope(select, 1, scope);
                select.setString(i++, feature);
                select.setLong(i, afterBlockId);
                try (ResultSet rows = select.executeQuery()) {
                    List<PublishedBlock> blocks = new ArrayList<>();
                    while (rows.next()) {
                        blocks.add(new PublishedBlock(rows.getLong("id"), new FleetBlock(feature,
                                rows.getString("instance_id"), JdbcRollbackLedger.instant(rows, "block_start"),
                                JdbcRollbackLedger.instant(rows, "block_end"), rows.getLong("pairs"),
                                rows.getLong("new_only_failures"), rows.getLong("old_only_failures"),
                                rows.getLong("latency_pairs"), rows.getDouble("sum_log_ratio"),
                                rows.getDouble("sum_squared_log_ratio"), rows.getDouble("sum_new_log"))));
                    }
                    return blocks;
                }
            }
        });
    }

    @Override
    public int deleteBlocks(FleetScope scope, String feature, long throughBlockId) {
        return withConnection("delete the blocks of feature " + feature + " through block " + throughBlockId,
                connection -> {
                    try (PreparedStatement delete = connection.prepareStatement(DELETE_BLOCKS)) {
                        int i = setScope(delete, 1, scope);
                        delete.setString(i++, feature);
                        delete.setLong(i, throughBlockId);
                        return delete.executeUpdate();
                    }
                });
    }

    /** Adds the blocks up in the database, in one aggregate query over every block after {@code afterBlockId}. */
    @Override
    public PooledBlocks pooled(FleetScope scope, String feature, long afterBlockId) {
        return withConnection("read the blocks of feature " + feature, connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_POOLED)) {
                int i = setScope(select, 1, scope);
                select.setString(i++, feature);
                select.setLong(i, afterBlockId);
                try (ResultSet rows = select.executeQuery()) {
                    List<FleetBlock> instances = new ArrayList<>();
                    long last = afterBlockId;
                    while (rows.next()) {
                        instances.add(new FleetBlock(feature, rows.getString("instance_id"),
                                JdbcRollbackLedger.instant(rows, "first_start"), JdbcRollbackLedger.instant(rows, "last_end"), rows.getLong("pairs"),
                                rows.getLong("new_only"), rows.getLong("old_only"), rows.getLong("latency_pairs"),
                                rows.getDouble("s1"), rows.getDouble("s2"), rows.getDouble("s3")));
                        last = Math.max(last, rows.getLong("last_id"));
                    }
                    return new PooledBlocks(instances, last);
                }
            }
        });
    }

    @Override
    public Optional<FleetVerdict> latestVerdict(FleetScope scope, String feature) {
        return withConnection("read the fleet verdicts of feature " + feature, connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_LATEST_VERDICT)) {
                select.setString(setScope(select, 1, scope), feature);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    String instances = rows.getString("instances");
                    return Optional.of(new FleetVerdict(rows.getString("feature"), rows.getInt("epoch"),
                            rows.getLong("last_block_id"), rows.getString("decided_by"),
                            JdbcRollbackLedger.instant(rows, "decision_time"), rows.getString("evidence"),
                            instances.isEmpty() ? List.of() : Arrays.asList(instances.split(","))));
                }
            }
        });
    }

    @Override
    public boolean recordVerdict(FleetScope scope, FleetVerdict verdict) {
        return withConnection("record fleet verdict " + verdict.epoch() + " of feature " + verdict.feature(),
                connection -> {
                    try (PreparedStatement insert = connection.prepareStatement(INSERT_VERDICT)) {
                        int i = setScope(insert, 1, scope);
                        insert.setString(i++, verdict.feature());
                        insert.setInt(i++, verdict.epoch());
                        insert.setLong(i++, verdict.lastBlockId());
                        insert.setString(i++, verdict.decidedBy());
                        insert.setObject(i++, JdbcRollbackLedger.utc(verdict.time()));
                        insert.setString(i++, LedgerText.cut(verdict.evidence(), TEXT_LENGTH));
                        insert.setString(i, LedgerText.cut(String.join(",", verdict.instances()), TEXT_LENGTH));
                        insert.executeUpdate();
                        return true;
                    } catch (SQLException e) {
                        if (JdbcRollbackLedger.isIntegrityViolation(e)) {
                            return false;
                        }
                        throw e;
                    }
                });
    }

    @Override
    public List<String> liveInstances(FleetScope scope, Instant since) {
        return withConnection("read the live instances of " + scope, connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_LIVE)) {
                select.setObject(setScope(select, 1, scope), JdbcRollbackLedger.utc(since));
                try (ResultSet rows = select.executeQuery()) {
                    List<String> ids = new ArrayList<>();
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                    return List.copyOf(ids);
                }
            }
        });
    }

    private <T> T withConnection(String what, JdbcRollbackLedger.SqlFunction<Connection, T> work) {
        return JdbcRollbackLedger.withConnection(dataSource, "The fleet store could not " + what, work);
    }
}
