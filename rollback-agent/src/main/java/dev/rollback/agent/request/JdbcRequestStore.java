package dev.rollback.agent.request;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RequestStore} in an H2 or PostgreSQL database, in the tables
 * {@code rollback_agent_request} and {@code rollback_agent_dedupe}, created when missing.
 *
 * <p>One agent owns its store: the store holds one connection and serialises its calls, which is
 * plenty for a queue of reverts. A connection that has gone bad is opened again on the next call.
 * Deduplication keys are kept as their SHA-256, so any key length fits.
 */
public final class JdbcRequestStore implements RequestStore {

    private static final String[] DDL = {
        "CREATE TABLE IF NOT EXISTS rollback_agent_request ("
                + " id VARCHAR(64) PRIMARY KEY,"
                + " service VARCHAR(100) NOT NULL,"
                + " trigger_kind VARCHAR(16) NOT NULL,"
                + " reason VARCHAR(2000) NOT NULL,"
                + " from_version VARCHAR(255),"
                + " to_revision BIGINT,"
                + " requested_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                + " state VARCHAR(16) NOT NULL,"
                + " plan_from VARCHAR(255),"
                + " plan_to VARCHAR(255),"
                + " plan_target VARCHAR(255),"
                + " started_at TIMESTAMP WITH TIME ZONE,"
                + " finished_at TIMESTAMP WITH TIME ZONE,"
                + " detail VARCHAR(4000) NOT NULL,"
                + " recorded BOOLEAN NOT NULL,"
                + " namespace VARCHAR(253))",
        // stores created before requests carried an alert's namespace
        "ALTER TABLE rollback_agent_request ADD COLUMN IF NOT EXISTS namespace VARCHAR(253)",
        "CREATE INDEX IF NOT EXISTS rollback_agent_request_state ON rollback_agent_request (state, requested_at)",
        "CREATE INDEX IF NOT EXISTS rollback_agent_request_service ON rollback_agent_request (service, state)",
        "CREATE TABLE IF NOT EXISTS rollback_agent_dedupe ("
                + " dedupe_key VARCHAR(64) PRIMARY KEY,"
                + " request_id VARCHAR(64) NOT NULL,"
                + " seen_at TIMESTAMP WITH TIME ZONE NOT NULL)"
    };

    private static final String COLUMNS = "id, service, trigger_kind, reason, from_version, to_revision, requested_at,"
            + " state, plan_from, plan_to, plan_target, started_at, finished_at, detail, namespace";
    private static final int MAX_REASON = 2000;
    private static final int MAX_DETAIL = 4000;
    private static final int MAX_VERSION = 255;

    private final String url;
    private final String username;
    private final String password;
    private Connection connection;

    /**
     * Opens the store and creates its tables where missing.
     *
     * @param url      the JDBC URL (H2 or PostgreSQL)
     * @param username the user
     * @param password the password
     * @throws StoreException if the database cannot be reached or refuses the tables
     */
    public JdbcRequestStore(String url, String username, String password) {
        this.url = Objects.requireNonNull(url, "url");
        this.username = username;
        this.password = password;
        synchronized (this) {
            run("create its tables", c -> {
                try (Statement s = c.createStatement()) {
                    for (String sql : DDL) {
                        s.execute(sql);
                    }
                }
                return null;
            });
        }
    }

    @Override
    public synchronized Submission submit(RevertRequest request, String dedupeKey) {
        if (request.state() != RequestState.QUEUED) {
            throw new IllegalArgumentException("request " + request.id() + " is " + request.state() + ", not QUEUED");
        }
        return run("submit request " + request.id(), c -> {
            c.setAutoCommit(false);
            try {
                String key = dedupeKey == null ? null : hash(dedupeKey);
                if (key != null) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT request_id FROM rollback_agent_dedupe WHERE dedupe_key = ?")) {
                        ps.setString(1, key);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                String existing = rs.getString(1);
                                c.rollback();
                                return new Submission(Submission.Outcome.DUPLICATE,
                                        select(c, existing).orElse(request));
                            }
                        }
                    }
                }
                Optional<RevertRequest> active = active(c, request.service());
                RevertRequest stands = active.orElse(request);
                if (active.isEmpty()) {
                    insert(c, request);
                }
                if (key != null) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO rollback_agent_dedupe (dedupe_key, request_id, seen_at) VALUES (?, ?, ?)")) {
                        ps.setString(1, key);
                        ps.setString(2, stands.id());
                        ps.setObject(3, time(request.requestedAt()));
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return new Submission(active.isPresent() ? Submission.Outcome.MERGED : Submission.Outcome.QUEUED,
                        stands);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    private static Optional<RevertRequest> active(Connection c, String service) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM rollback_agent_request"
                + " WHERE service = ? AND state IN ('QUEUED', 'RUNNING') ORDER BY requested_at, id")) {
            ps.setString(1, service);
            List<RevertRequest> found = read(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private static void insert(Connection c, RevertRequest r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollback_agent_request (" + COLUMNS
                + ", recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.id());
            ps.setString(2, r.service());
            ps.setString(3, r.trigger().name());
            ps.setString(4, cut(r.reason(), MAX_REASON));
            ps.setString(5, r.fromVersion() == null ? null : cut(r.fromVersion(), MAX_VERSION));
            if (r.toRevision() == null) {
                ps.setNull(6, Types.BIGINT);
            } else {
                ps.setLong(6, r.toRevision());
            }
            ps.setObject(7, time(r.requestedAt()));
            ps.setString(8, r.state().name());
            ps.setString(9, null);
            ps.setString(10, null);
            ps.setString(11, null);
            ps.setObject(12, null);
            ps.setObject(13, null);
            ps.setString(14, r.detail());
            ps.setString(15, r.namespace());
            ps.setBoolean(16, false);
            ps.executeUpdate();
        }
    }

    @Override
    public synchronized Optional<RevertRequest> find(String id) {
        return run("read request " + id, c -> select(c, id));
    }

    private static Optional<RevertRequest> select(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM rollback_agent_request WHERE id = ?")) {
            ps.setString(1, id);
            List<RevertRequest> found = read(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    @Override
    public synchronized List<RevertRequest> inState(RequestState state) {
        return run("list " + state + " requests", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM rollback_agent_request WHERE state = ? ORDER BY requested_at, id")) {
                ps.setString(1, state.name());
                return read(ps);
            }
        });
    }

    @Override
    public synchronized List<RevertRequest> latest(int limit) {
        return run("list requests", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM rollback_agent_request ORDER BY requested_at DESC, id DESC")) {
                ps.setMaxRows(limit);
                return read(ps);
            }
        });
    }

    @Override
    public synchronized boolean start(String id, Instant at) {
        return run("start request " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE rollback_agent_request SET state = 'RUNNING',"
                    + " started_at = ? WHERE id = ? AND state = 'QUEUED'")) {
                ps.setObject(1, time(at));
                ps.setString(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public synchronized void plan(String id, RevertPlan plan) {
        run("keep the plan of request " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE rollback_agent_request SET plan_from = ?,"
                    + " plan_to = ?, plan_target = ? WHERE id = ? AND state = 'RUNNING'")) {
                ps.setString(1, cut(plan.fromVersion(), MAX_VERSION));
                ps.setString(2, cut(plan.toVersion(), MAX_VERSION));
                ps.setString(3, cut(plan.target(), MAX_VERSION));
                ps.setString(4, id);
                if (ps.executeUpdate() != 1) {
                    throw new StoreException("request " + id + " is not running; its plan was not kept", null);
                }
            }
            return null;
        });
    }

    @Override
    public synchronized void finish(String id, RequestState state, Instant at, String detail) {
        if (!state.terminal()) {
            throw new IllegalArgumentException("state: " + state + " does not end a request");
        }
        run("finish request " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE rollback_agent_request SET state = ?,"
                    + " finished_at = ?, detail = ? WHERE id = ? AND state = 'RUNNING'")) {
                ps.setString(1, state.name());
                ps.setObject(2, time(at));
                ps.setString(3, cut(detail, MAX_DETAIL));
                ps.setString(4, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public synchronized void recorded(String id) {
        run("mark request " + id + " recorded", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE rollback_agent_request SET recorded = TRUE WHERE id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public synchronized List<RevertRequest> unrecorded() {
        return run("list unrecorded requests", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM rollback_agent_request"
                    + " WHERE recorded = FALSE AND state IN ('SUCCEEDED', 'FAILED', 'SKIPPED')"
                    + " ORDER BY finished_at, id")) {
                return read(ps);
            }
        });
    }

    @Override
    public synchronized boolean cancel(String id, Instant at) {
        return run("cancel request " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE rollback_agent_request SET state = 'CANCELLED',"
                    + " finished_at = ?, detail = 'cancelled' WHERE id = ? AND state = 'QUEUED'")) {
                ps.setObject(1, time(at));
                ps.setString(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public synchronized Optional<Instant> lastFinished(String service) {
        return run("read the last revert of " + service, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(finished_at) FROM rollback_agent_request"
                    + " WHERE service = ? AND state IN ('SUCCEEDED', 'FAILED', 'SKIPPED')")) {
                ps.setString(1, service);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
                    return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
                }
            }
        });
    }

    @Override
    public synchronized int forgetKeysBefore(Instant before) {
        return run("forget old deduplication keys", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM rollback_agent_dedupe WHERE seen_at < ?")) {
                ps.setObject(1, time(before));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new StoreException("the store's connection could not be closed: " + e.getMessage(), e);
            } finally {
                connection = null;
            }
        }
    }

    private static List<RevertRequest> read(PreparedStatement ps) throws SQLException {
        List<RevertRequest> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long rev = rs.getLong("to_revision");
                Long toRevision = rs.wasNull() ? null : rev;
                String planFrom = rs.getString("plan_from");
                RevertPlan plan = planFrom == null ? null
                        : new RevertPlan(planFrom, nonNull(rs.getString("plan_to")), nonNull(rs.getString("plan_target")));
                out.add(new RevertRequest(rs.getString("id"), rs.getString("service"),
                        Trigger.valueOf(rs.getString("trigger_kind")), rs.getString("reason"),
                        rs.getString("from_version"), toRevision, instant(rs, "requested_at"),
                        RequestState.valueOf(rs.getString("state")), plan, instant(rs, "started_at"),
                        instant(rs, "finished_at"), rs.getString("detail"), rs.getString("namespace")));
            }
        }
        return out;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime time(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** Runs work on the connection, opening it (again) when needed. Callers hold the monitor. */
    private <T> T run(String what, Work<T> work) {
        try {
            if (connection == null || !connection.isValid(2)) {
                if (connection != null) {
                    try {
                        connection.close();
                    } catch (SQLException ignored) {
                        // The connection is bad anyway; a new one follows.
                    }
                }
                connection = DriverManager.getConnection(url, username, password);
            }
            return work.apply(connection);
        } catch (SQLException e) {
            throw new StoreException("the request store could not " + what + ": " + e.getMessage(), e);
        }
    }
}
