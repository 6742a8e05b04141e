package dev.rollback.agent.leader;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership held as a PostgreSQL session-level advisory lock ({@code pg_try_advisory_lock}) on a
 * connection of its own to the request store's database, as ShedLock and Quartz's clustered job
 * store keep theirs in the database every agent already shares. The lock is the store's: its key is
 * {@link #LOCK_CLASS} and the hash of the connection's current schema, so agents sharing one store
 * elect one leader, and agents with stores of their own in other schemas of the same database do not
 * wait on each other:
 * <ul>
 * <li>the agent that takes the lock leads for as long as its session lives; {@link #isLeader()}
 *     checks the session with a round trip each time, so a leader whose connection broke stops
 *     acting at its next check;</li>
 * <li>a leader that dies loses its session, and with it the lock: at once when its process is killed
 *     (the kernel closes the socket), and within {@link #DEFAULT_SESSION_TIMEOUT} when its host or
 *     network vanishes, since the session is opened with PostgreSQL's {@code idle_session_timeout}
 *     (PostgreSQL 14 and later) and a live leader touches it every second;</li>
 * <li>the others try for the lock every {@code retry}, so one takes over within the session timeout
 *     plus the retry interval.</li>
 * </ul>
 * There is no fencing token: a leader cut off from the database keeps running the revert it had
 * started until its next check fails, when the scheduler interrupts it.
 */
public final class PostgresLeaderElection implements LeaderElection {

    /** The first half of the advisory lock's key: "roll" in ASCII; the second is the schema's hash. */
    public static final int LOCK_CLASS = 0x726f6c6c;
    /** How long PostgreSQL keeps the session of a leader that went silent. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** How often a follower tries for the lock. */
    public static final Duration DEFAULT_RETRY = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(PostgresLeaderElection.class);
    private static final int VALID_TIMEOUT_SECONDS = 2;

    private final String url;
    private final String username;
    private final String password;
    private final Duration sessionTimeout;
    private final long retryNanos;
    private Connection held;
    private long nextTryNanos = System.nanoTime();

    /**
     * Creates the election; nothing is tried until {@link #isLeader()}.
     *
     * @param url            the JDBC URL of a PostgreSQL database shared by the agents
     * @param username       the user
     * @param password       the password
     * @param sessionTimeout how long the database keeps a silent leader's session, at least 1 s
     * @param retry          how often a follower tries for the lock, positive
     */
    public PostgresLeaderElection(String url, String username, String password, Duration sessionTimeout,
                                  Duration retry) {
        this.url = Objects.requireNonNull(url, "url");
        this.username = username;
        this.password = password;
        if (sessionTimeout == null || sessionTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("sessionTimeout must be at least 1 s, was " + sessionTimeout);
        }
        if (retry == null || retry.isNegative() || retry.isZero()) {
            throw new IllegalArgumentException("retry must be a positive duration, was " + retry);
        }
        this.sessionTimeout = sessionTimeout;
        this.retryNanos = retry.toNanos();
    }

    @Override
    public synchronized boolean isLeader() {
        if (held != null) {
            try {
                if (held.isValid(VALID_TIMEOUT_SECONDS)) {
                    return true;
                }
            } catch (SQLException e) {
                LOG.debug("Checking the leader's session failed: {}", e.toString());
            }
            LOG.warn("This agent lost the leadership: its session holding the lock on {} broke", url);
            closeHeld();
        }
        long now = System.nanoTime();
        if (now - nextTryNanos < 0) {
            return false;
        }
        nextTryNanos = now + retryNanos;
        return tryLock();
    }

    private boolean tryLock() {
        Connection connection = null;
        try {
            connection = DriverManager.getConnection(url, username, password);
            try (Statement setup = connection.createStatement()) {
                setup.execute("SET idle_session_timeout = " + sessionTimeout.toMillis());
            }
            String schema = String.valueOf(connection.getSchema());
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                lock.setInt(1, LOCK_CLASS);
                lock.setInt(2, schema.hashCode());
                try (ResultSet result = lock.executeQuery()) {
                    if (result.next() && result.getBoolean(1)) {
                        held = connection;
                        LOG.info("This agent is the leader now (the advisory lock of schema {} on {})", schema, url);
                        return true;
                    }
                }
            }
        } catch (SQLException e) {
            LOG.debug("Trying for the leadership failed: {}", e.toString());
        }
        close(connection);
        return false;
    }

    @Override
    public synchronized void close() {
        closeHeld();
    }

    private void closeHeld() {
        close(held); // the session ends, and the lock with it
        held = null;
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing a leader election connection failed: {}", e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresLeaderElection[" + url + ", sessionTimeout=" + sessionTimeout + ", retry="
                + TimeUnit.NANOSECONDS.toMillis(retryNanos) + " ms]";
    }
}
