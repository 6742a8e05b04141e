package dev.rollback.agent.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollback.testing.TestPostgresServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two elections on the real PostgreSQL: one leads at a time, and the other takes over when it goes. */
class PostgresLeaderElectionTest {

    @BeforeEach
    void skipUnlessReachable() {
        TestPostgresServer.assumeReachable();
    }

    private static PostgresLeaderElection election() {
        return new PostgresLeaderElection(TestPostgresServer.URL, TestPostgresServer.USER, TestPostgresServer.PASSWORD,
                Duration.ofSeconds(5), Duration.ofMillis(50));
    }

    @Test
    void letsOneLeadAtATimeAndTheOtherTakeOverWhenItGoes() {
        PostgresLeaderElection first = election();
        try (PostgresLeaderElection second = election()) {
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
    void refusesATooShortSessionTimeoutNamingIt() {
        assertThatThrownBy(() -> new PostgresLeaderElection(TestPostgresServer.URL, TestPostgresServer.USER,
                TestPostgresServer.PASSWORD, Duration.ofMillis(10), Duration.ofSeconds(1))).hasMessage("sessionTimeout must be at least 1 s, was PT0.01S");
    }
}
