package dev.rollback.agent.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollback.testing.RequiredServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two elections on the real PostgreSQL: one leads at a time, and the other takes over when it goes. */
class PostgresLeaderElectionTest {

    private static final String URL = RequiredServer.setting("rollback.pg.url", "ROLLBACK_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/appdb");
    private static final String USER = RequiredServer.setting("rollback.pg.user", "ROLLBACK_PG_USER", "app");
    private static final String PASSWORD = RequiredServer.setting("rollback.pg.password", "ROLLBACK_PG_PASSWORD",
            "app");

    @BeforeEach
    void skipUnlessReachable() {
        RequiredServer.assumeReachable("PostgreSQL at " + URL + " (user " + USER + ")", "sudo .ci/start-postgres.sh",
                () -> {
                    try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD);
                         Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
                        r.next();
                    }
                });
    }

    private static PostgresLeaderElection election() {
        return new PostgresLeaderElection(URL, USER, PASSWORD, Duration.ofSeconds(5), Duration.ofMillis(50));
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
        assertThatThrownBy(() -> new PostgresLeaderElection(URL, USER, PASSWORD, Duration.ofMillis(10),
                Duration.ofSeconds(1))).hasMessage("sessionTimeout must be at least 1 s, was PT0.01S");
    }
}
