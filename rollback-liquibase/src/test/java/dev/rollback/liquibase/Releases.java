package dev.rollback.liquibase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.CompositeResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;

/**
 * A scenario's change logs as two releases of an application, as a real change log has them:
 * release 1 creates the tables (its one change set, {@link #FIRST}, runs the scenario's set-up SQL), and
 * release 2 is release 1 followed by the scenario's change set. So release 2's change set has a change
 * set before it, whose version schema the OLD app (release 1) uses while release 2 is expanded. As in
 * pgroll's operation tests: each case's first migration creates the table ({@code 01_add_table}), and
 * the old version writes through that migration's version schema with the search path set to it
 * ({@code MustInsert}, {@code MustUpdate} in {@code pkg/migrations/op_common_test.go}).
 *
 * @param previous  release 1's change log
 * @param next      release 2's change log
 * @param resources where both are found, and the scenario's change log on the class path
 */
record Releases(String previous, String next, ResourceAccessor resources) {

    /** The id of release 1's change set. */
    static final String FIRST = "create-tables";

    /** Writes the two change logs of a scenario into a directory. */
    static Releases write(Path dir, Scenario scenario) {
        try {
            String changes = scenario.setup().stream().map(sql -> "{\"sql\": {\"sql\": " + json(sql) + "}}")
                    .collect(Collectors.joining(", "));
            Files.writeString(dir.resolve("release-1.json"), "{\"databaseChangeLog\": [{\"changeSet\": {\"id\": \""
                    + FIRST + "\", \"author\": \"test\", \"changes\": [" + changes + "]}}]}");
            Files.writeString(dir.resolve("release-2.json"), "{\"databaseChangeLog\": [{\"include\": {\"file\": "
                    + "\"release-1.json\"}}, {\"include\": {\"file\": " + json(scenario.changelog) + "}}]}");
            ResourceAccessor resources = new CompositeResourceAccessor(new DirectoryResourceAccessor(dir),
                    new ClassLoaderResourceAccessor(Releases.class.getClassLoader()));
            return new Releases("release-1.json", "release-2.json", resources);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The change set ids of one of the two releases. */
    List<String> ids(String changelog) {
        return VersionSchema.changeSetIds(changelog, resources);
    }

    private static String json(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t") + '"';
    }
}
