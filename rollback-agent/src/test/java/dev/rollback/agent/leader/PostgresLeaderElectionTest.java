package dev.rollback.agent.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollback.testing.TestPostgresServer;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Elections on the real PostgreSQL: one leads at a time per store, the other takes over when it goes,
 * and stores in other schemas of the same database lead on their own.
 */
class PostgresLeaderElectionTest {

    private String store;

    @BeforeEach
    void freshStoreSchema() throws SQLException {
        TestPostgresServer.assumeReachable();
        store = TestPostgresServer.freshSchema("leader_election_store");
    }

    private static PostgresLeaderElection election(String url) {
        return new PostgresLeaderElection(url, TestPostgresServer.USER, TestPostgresServer.PASSWORD,
                Duration.ofSeconds(5), Duration.ofMillis(50));
    }

    @Test
    void letsOneLeadAtATimeAndTheOtherTakeOverWhenItGoes() {
        PostgresLeaderElection first = election(store);
        try (PostgresLeaderElection second = election(store)) {
            assertThat(first.isLeader()).isTrue();
            assertThat(second.isLeader()).isFalse();
            assertThat(first.isLeader()).as("a leader stays the leader").isTrue();

            first.close();

            await().atMost(Duration.ofSeconds(5)).until(second::isLeader);
            assertThat(first.isLeader()).isFalse();
        } finally {
            first.close();
        }
    }

    @Test
    void letsAgentsWhoseStoresAreInOtherSchemasOfTheDatabaseLeadOnTheirOwn() throws SQLException {
        String other = TestPostgresServer.freshSchema("leader_election_other_store");
        try (PostgresLeaderElection first = election(store); PostgresLeaderElection second = election(store);
             PostgresLeaderElection elsewhere = election(other)) {
            assertThat(first.isLeader()).isTrue();
            assertThat(second.isLeader()).as("the same store: one leader").isFalse();
            assertThat(elsewhere.isLeader()).as("another store in the same database").isTrue();
        } finally {
            TestPostgresServer.execute("DROP SCHEMA leader_election_other_store CASCADE");
        }
    }

    @Test
    void refusesATooShortSessionTimeoutNamingIt() {
        assertThatThrownBy(() -> new PostgresLeaderElection(TestPostgresServer.URL, TestPostgresServer.USER,
                TestPostgresServer.PASSWORD, Duration.ofMillis(10), Duration.ofSeconds(1))).hasMessage("sessionTimeout must be at least 1 s, was PT0.01S");
    }
}
