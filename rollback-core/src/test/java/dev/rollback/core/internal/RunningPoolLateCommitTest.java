package dev.rollback.core.internal;

import static dev.rollback.core.internal.RunningPoolTest.FEATURE;
import static dev.rollback.core.internal.RunningPoolTest.SCOPE;
import static dev.rollback.core.internal.RunningPoolTest.WINDOW;
import static dev.rollback.core.internal.RunningPoolTest.assertSameAsFullResum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.fleet.FleetBlock;
import dev.rollback.core.fleet.PooledBlocks;
import dev.rollback.core.ledger.JdbcFleetStore;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import dev.rollback.core.ledger.TestPostgres;
import dev.rollback.testing.TestPostgresServer;
import io.micrometer.core.instrument.MockClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * A block whose publication took a lower id than one a round has already read, but committed after
 * that round, is still pooled by {@link RunningPool}, on H2 and on the real PostgreSQL (in a schema of
 * its own, skipped when the server cannot be reached unless {@code rollback.it.required=true}). Reading
 * only ids above the highest seen would lose it.
 */
class RunningPoolLateCommitTest {

    private final SplittableRandom random = new SplittableRandom(16);

    @Test
    void poolsABlockCommittedLateWithALowerIdOnH2() throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:late-commit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try {
            poolsABlockCommittedLateWithALowerId(h2);
        } finally {
            try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            }
        }
    }

    @Test
    void poolsABlockCommittedLateWithALowerIdOnPostgres() throws SQLException {
        TestPostgresServer.assumeReachable();
        poolsABlockCommittedLateWithALowerId(TestPostgres.freshSchema("rollback_fleet_late_commit"));
    }

    private void poolsABlockCommittedLateWithALowerId(DataSource database) throws SQLException {
        new JdbcRollbackLedger(database).createSchema();
        JdbcFleetStore store = new JdbcFleetStore(database);
        MockClock clock = new MockClock();
        RunningPool pool = new RunningPool(WINDOW);
        FleetBlock a = RunningPoolTest.block(random, "a", 0);
        FleetBlock late = RunningPoolTest.block(random, "late", 1);
        FleetBlock c = RunningPoolTest.block(random, "c", 1);
        store.publish(SCOPE, "a", a.end(), List.of(a));
        pool.refresh(store, SCOPE, FEATURE, 0, clock);

        try (Connection held = database.getConnection()) {
            held.setAutoCommit(false);
            insertBlock(held, late); // takes its id now, commits after "c" was read
            clock.add(Duration.ofSeconds(1));
            store.publish(SCOPE, "c", c.end(), List.of(c));
            PooledBlocks whileHeld = pool.refresh(store, SCOPE, FEATURE, 0, clock);
            clock.add(Duration.ofSeconds(1));
            pool.refresh(store, SCOPE, FEATURE, 0, clock);
            held.commit();
            assertThat(whileHeld.instanceIds()).containsExactly("a", "c");
        }
        clock.add(Duration.ofSeconds(1));
        PooledBlocks afterCommit = pool.refresh(store, SCOPE, FEATURE, 0, clock);

        PooledBlocks full = store.pooled(SCOPE, FEATURE, 0);
        assertThat(store.blocks(SCOPE, FEATURE, 0)).as("by id").extracting(b -> b.block().instance())
                .containsExactly("a", "late", "c");
        assertSameAsFullResum(afterCommit, full);
    }

    /** Inserts a block as a publication does, in the connection's open transaction. */
    private static void insertBlock(Connection connection, FleetBlock block) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fleet_block (service_name,"
                + " service_version, feature, instance_id, block_start, block_end, pairs, new_only_failures,"
                + " old_only_failures, latency_pairs, sum_log_ratio, sum_squared_log_ratio, sum_new_log)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, SCOPE.service());
            insert.setString(2, SCOPE.version());
            insert.setString(3, block.feature());
            insert.setString(4, block.instance());
            insert.setObject(5, block.start().atOffset(ZoneOffset.UTC));
            insert.setObject(6, block.end().atOffset(ZoneOffset.UTC));
            insert.setLong(7, block.pairs());
            insert.setLong(8, block.newOnlyFailures());
            insert.setLong(9, block.oldOnlyFailures());
            insert.setLong(10, block.latencyPairs());
            insert.setDouble(11, block.sumLogRatio());
            insert.setDouble(12, block.sumSquaredLogRatio());
            insert.setDouble(13, block.sumNewLog());
            insert.executeUpdate();
        }
    }
}
