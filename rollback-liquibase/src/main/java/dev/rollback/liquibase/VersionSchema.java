package dev.rollback.liquibase;

import dev.rollback.liquibase.internal.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.exception.LiquibaseException;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.ResourceAccessor;

/**
 * The schema of views through which one version of an application sees the database (PostgreSQL).
 *
 * <p>Expand creates, for the change set it expands, a schema named after that change set with one
 * view per table in exactly the shape the new version knows (added columns, renamed columns and
 * tables, no dropped ones), and, if it is missing, one for the change set before it with exactly the
 * shape the previous version knows. An application picks its version by {@code search_path}: the
 * schema of the last change set of its own change log that has one, else the physical schema
 * ({@link #resolve}). Rollback drops the new version's schema; contract drops every older one. On H2
 * there are no version schemas: every version uses the physical schema.
 *
 * <p>Plain JDBC, on each new connection: {@code VersionSchema.use(connection, VersionSchema.resolve(...))}; an
 * application that runs its previous version's code too puts that code's connections on
 * {@link Names#previous()} ({@link #resolveNames}).
 */
public final class VersionSchema {

    /** PostgreSQL's longest identifier, in bytes. */
    private static final int MAX_NAME = 63;

    private VersionSchema() {
    }

    /**
     * Returns the name of a change set's version schema: the physical schema's name, an underscore
     * and the change set id in lower case with anything but letters, digits and underscores made an
     * underscore; cut and ended by a hash of the id where that would exceed 63 characters.
     *
     * @param schema      the physical schema, e.g. {@code public}
     * @param changeSetId the change set id
     * @return the version schema's name
     */
    public static String name(String schema, String changeSetId) {
        String name = (schema + "_" + changeSetId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (name.length() <= MAX_NAME) {
            return name;
        }
        String hash = Engine.helper(schema + "/" + changeSetId);
        return name.substring(0, MAX_NAME - hash.length() - 1) + "_" + hash;
    }

    /**
     * Returns the ids of a change log's change sets in the order they run, leaving out those that
     * run always (they belong to every version).
     *
     * @param changelog the change log's path
     * @param resources where to find it and what it includes
     * @return the change set ids
     * @throws MigrationException if the change log cannot be parsed
     */
    public static List<String> changeSetIds(String changelog, ResourceAccessor resources) {
        try {
            DatabaseChangeLog parsed = ChangeLogParserFactory.getInstance().getParser(changelog, resources)
                    .parse(changelog, new ChangeLogParameters(), resources);
            List<String> ids = new ArrayList<>();
            for (ChangeSet changeSet : parsed.getChangeSets()) {
                if (!changeSet.isAlwaysRun()) {
                    ids.add(changeSet.getId());
                }
            }
            return ids;
        } catch (LiquibaseException e) {
            throw new MigrationException(null, "the change log " + changelog + " cannot be parsed to find its version"
                    + " schema: " + e.getMessage(), e);
        }
    }

    /**
     * The change set ids of a change log on the class path.
     *
     * @param changelog the change log's path on the class path
     * @return the change set ids
     * @throws MigrationException if the change log cannot be parsed
     * @see #changeSetIds(String, ResourceAccessor)
     */
    public static List<String> changeSetIds(String changelog) {
        // not closed, as ExpandContract's is not: it holds no open file for the class path
        return changeSetIds(changelog, new ClassLoaderResourceAccessor(VersionSchema.class.getClassLoader()));
    }

    /**
     * Returns the schema an application whose change log has these change sets should put on its
     * {@code search_path}: the version schema of the last of them that has one, else the physical
     * schema. The same as {@code resolveNames(...).current()}.
     *
     * @param connection   a connection to the database
     * @param schema       the physical schema
     * @param changeSetIds the application's change set ids in order (see {@link #changeSetIds})
     * @return the schema
     * @throws SQLException if the catalog cannot be read
     */
    public static String resolve(Connection connection, String schema, List<String> changeSetIds) throws SQLException {
        return resolveNames(connection, schema, changeSetIds).current();
    }

    /**
     * Returns the schemas of an application's version and of the version before it, for an application
     * that runs the previous version's code too (an old path beside the new one): its new code uses
     * {@link Names#current()}, its old code {@link Names#previous()}.
     *
     * <p>The current schema is the one {@link #resolve} finds. The previous one is the earliest version
     * schema of the application's change sets before it: between two contracts that is the one the
     * previous version uses (expand made it, or the last contract left it), also when this version
     * expanded several change sets. Where there is none (no expand since the last contract, or not
     * PostgreSQL) the previous schema is the current one.
     *
     * @param connection   a connection to the database, on the physical schema
     * @param schema       the physical schema
     * @param changeSetIds the application's change set ids in order (see {@link #changeSetIds})
     * @return the two schemas
     * @throws SQLException if the catalog cannot be read
     */
    public static Names resolveNames(Connection connection, String schema, List<String> changeSetIds)
            throws SQLException {
        if (!connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")) {
            return new Names(schema, schema);
        }
        List<String> names = changeSetIds.stream().map(id -> name(schema, id)).toList();
        Set<String> found = new HashSet<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT nspname FROM pg_namespace WHERE nspname = ANY (?)")) {
            query.setArray(1, connection.createArrayOf("text", names.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
        }
        List<String> existing = names.stream().filter(found::contains).toList();
        if (existing.isEmpty()) {
            return new Names(schema, schema);
        }
        return new Names(existing.get(existing.size() - 1), existing.get(0));
    }

    /**
     * Puts a connection on one schema: {@code SET search_path TO "<schema>"}, the name quoted.
     *
     * @param connection a connection to PostgreSQL
     * @param schema     the schema, e.g. {@link Names#current()}
     * @throws SQLException if the statement fails
     */
    public static void use(Connection connection, String schema) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO " + quote(schema));
        }
    }

    /**
     * Returns a schema's name quoted as a PostgreSQL identifier.
     *
     * @param schema the name
     * @return the name in double quotes, inner double quotes doubled
     */
    public static String quote(String schema) {
        return '"' + schema.replace("\"", "\"\"") + '"';
    }

    /**
     * The schemas of an application's version and of the version before it.
     *
     * @param current  the schema of the application's version
     * @param previous the schema of the version before it, or the current one where it has none
     */
    public record Names(String current, String previous) {
    }
}
