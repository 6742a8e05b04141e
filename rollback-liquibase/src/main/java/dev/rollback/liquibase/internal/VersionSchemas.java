package dev.rollback.liquibase.internal;

import dev.rollback.liquibase.MigrationPhase;
import dev.rollback.liquibase.VersionSchema;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The version schemas on PostgreSQL (see {@link VersionSchema}): which a migration's expand makes,
 * their views from the {@link Shape} of each version, and which rollback and contract drop. The
 * schemas a migration made are recorded in its spec ({@link #SCHEMA}, {@link #PREVIOUS}), so that
 * contract and rollback find them without the change log. Nothing on H2.
 */
final class VersionSchemas {

    /** The spec property naming the new version's schema. */
    static final String SCHEMA = "version.schema";
    /** The spec property naming the previous version's schema. */
    static final String PREVIOUS = "version.previousSchema";

    /** Phases in which a migration's physical additions exist but are not yet the physical shape. */
    static final Set<MigrationPhase> ACTIVE = EnumSet.of(MigrationPhase.EXPANDING, MigrationPhase.EXPANDED,
            MigrationPhase.ROLLING_BACK, MigrationPhase.CONTRACTING);
    /** PostgreSQL 15, the first with {@code security_invoker} views. */
    private static final int SECURITY_INVOKER_SINCE = 150_000;

    private VersionSchemas() {
    }

    /** Adds the names of the version schemas to a spec at its first expand. */
    static MigrationSpec capture(Work work, ChangeSetRef ref, MigrationSpec spec) {
        if (!work.dialect.isPostgres()) {
            return spec;
        }
        String base = work.catalog(() -> work.connection.getSchema());
        String previous = spec.get(MigrationSpec.PREVIOUS_CHANGE_SET);
        MigrationSpec named = spec.with(SCHEMA, VersionSchema.name(base, ref.id()));
        return previous == null ? named : named.with(PREVIOUS, VersionSchema.name(base, previous));
    }

    /**
     * After a migration's expand: makes the previous version's schema if it is missing (never
     * touching one that exists, as the running version may use it), and makes the new version's
     * schema anew with every migration of its change set expanded so far.
     */
    static void afterExpand(Work work, List<PhaseTable.Row> rows, PhaseTable.Row row) {
        String schema = row.spec().get(SCHEMA);
        if (schema == null) {
            return;
        }
        List<PhaseTable.Row> own = rows.stream().filter(r -> r.ref().equals(row.ref())).toList();
        long first = own.stream().mapToLong(PhaseTable.Row::seq).min().orElse(row.seq());
        long last = own.stream().mapToLong(PhaseTable.Row::seq).max().orElse(row.seq());
        String previous = row.spec().get(PREVIOUS);
        if (previous != null && !exists(work, previous)) {
            work.atomically("create the previous version's schema " + previous,
                    create(work, previous, shape(work, rows, first - 1)));
        }
        List<String> statements = new ArrayList<>();
        statements.add("DROP SCHEMA IF EXISTS " + quote(schema) + " CASCADE");
        statements.addAll(create(work, schema, shape(work, rows, last)));
        work.atomically("create the new version's schema " + schema, statements);
    }

    /**
     * The condition, in a trigger function on PostgreSQL, that a write comes from the migration's own
     * version or a later one, or null where the migration has no version schema. Such a writer is on a
     * version schema of the table's schema that is not an older version's: the previous version's, or
     * one that exists already as this expand runs (made by an earlier change set). So a release that
     * expands several change sets at once, or a later release expanded before this one is contracted,
     * writes through the schema of its last change set and is taken for a new write by every earlier
     * change set's trigger too; a writer on any other schema is an older version.
     */
    static String newWrite(Work work) {
        String schema = work.spec.get(SCHEMA);
        if (schema == null) {
            return null;
        }
        String base = work.catalog(() -> work.connection.getSchema());
        Set<String> older = new TreeSet<>(work.catalog(() -> versionSchemas(work, base)));
        older.remove(schema);
        String previous = work.spec.get(PREVIOUS);
        if (previous != null) {
            older.add(previous);
        }
        String writer = "(current_schemas(false))[1]";
        return writer + " <> TG_TABLE_SCHEMA AND left(" + writer + ", length(TG_TABLE_SCHEMA) + 1) = TG_TABLE_SCHEMA || '_'"
                + (older.isEmpty() ? "" : " AND " + writer + " NOT IN (" + older.stream().map(VersionSchemas::literal)
                .collect(Collectors.joining(", ")) + ")");
    }

    /** The schemas named like the version schemas of a physical schema ({@code <schema>_...}). */
    private static List<String> versionSchemas(Work work, String base) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (PreparedStatement query = work.connection.prepareStatement(
                "SELECT nspname FROM pg_namespace WHERE left(nspname, length(?) + 1) = ? || '_'")) {
            query.setString(1, base);
            query.setString(2, base);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    schemas.add(rows.getString(1));
                }
            }
        }
        return schemas;
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Before a migration's rollback: drops the new version's schema (the previous one stays in use). */
    static void beforeRollback(Work work, PhaseTable.Row row) {
        String schema = row.spec().get(SCHEMA);
        if (schema != null && exists(work, schema)) {
            work.sql("drop the new version's schema " + schema, "DROP SCHEMA " + quote(schema) + " CASCADE");
        }
    }

    /**
     * Before contract: drops every version schema the migrations made but the newest's, since no
     * older version runs any more and their views hold on to what contract drops.
     */
    static void beforeContract(Work work, List<PhaseTable.Row> rows, PhaseTable.Row newest) {
        Set<String> schemas = new LinkedHashSet<>();
        for (PhaseTable.Row row : rows) {
            for (String property : List.of(SCHEMA, PREVIOUS)) {
                String schema = row.spec().get(property);
                if (schema != null) {
                    schemas.add(schema);
                }
            }
        }
        schemas.remove(newest.spec().get(SCHEMA));
        for (String schema : schemas) {
            if (exists(work, schema)) {
                work.sql("drop the old version's schema " + schema, "DROP SCHEMA " + quote(schema) + " CASCADE");
            }
        }
    }

    /** After contract: the newest version's schema anew, over the now physical shape. */
    static void afterContract(Work work, List<PhaseTable.Row> rows, PhaseTable.Row newest) {
        String schema = newest.spec().get(SCHEMA);
        if (schema == null) {
            return;
        }
        List<String> statements = new ArrayList<>();
        statements.add("DROP SCHEMA IF EXISTS " + quote(schema) + " CASCADE");
        statements.addAll(create(work, schema, shape(work, rows, newest.seq())));
        work.atomically("create the contracted version's schema " + schema, statements);
    }

    /** The shape of the version that knows the migrations up to {@code lastSeq}. */
    private static Shape shape(Work work, List<PhaseTable.Row> rows, long lastSeq) {
        Shape shape = new Shape(work.catalog(() -> physical(work)));
        List<PhaseTable.Row> active = rows.stream().filter(r -> ACTIVE.contains(r.phase()))
                .sorted(Comparator.comparingLong(PhaseTable.Row::seq)).toList();
        active.forEach(r -> r.spec().kind().hide(r.spec(), r.helper(), shape));
        active.stream().filter(r -> r.seq() <= lastSeq).forEach(r -> r.spec().kind().reshape(r.spec(), r.helper(), shape));
        return shape;
    }

    private static List<String> create(Work work, String schema, Shape shape) {
        String base = work.catalog(() -> work.connection.getSchema());
        boolean invoker = work.catalog(() -> work.connection.getMetaData().getDatabaseMajorVersion() * 10_000)
                >= SECURITY_INVOKER_SINCE;
        List<String> statements = new ArrayList<>();
        statements.add("CREATE SCHEMA " + quote(schema));
        for (Map.Entry<String, Shape.Table> table : shape.tables().entrySet()) {
            String columns = table.getValue().columns().entrySet().stream()
                    .map(c -> quote(c.getValue()) + " AS " + quote(c.getKey())).collect(Collectors.joining(", "));
            statements.add("CREATE VIEW " + quote(schema) + "." + quote(table.getKey())
                    + (invoker ? " WITH (security_invoker = true)" : "") + " AS SELECT " + columns + " FROM "
                    + quote(base) + "." + quote(table.getValue().physical()));
        }
        return statements;
    }

    /** The application's physical tables with their columns in order; the library's own are left out. */
    private static Map<String, List<String>> physical(Work work) throws SQLException {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        try (PreparedStatement query = work.connection.prepareStatement("SELECT c.relname, a.attname FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid"
                + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0"
                + " AND NOT a.attisdropped AND c.relname NOT IN ('databasechangelog', 'databasechangeloglock', '"
                + PhaseTable.TABLE + "') AND c.relname NOT LIKE 'rollback\\_archive\\_%' ORDER BY c.relname, a.attnum")) {
            query.setString(1, work.connection.getSchema());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.computeIfAbsent(rows.getString(1), t -> new ArrayList<>()).add(rows.getString(2));
                }
            }
        }
        return tables;
    }

    private static boolean exists(Work work, String schema) {
        return work.catalog(() -> Dialect.exists(work.connection, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema));
    }

    /** @return the identifier quoted */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
