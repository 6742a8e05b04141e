package dev.rollback.liquibase.cli;

import dev.rollback.liquibase.ChangelogLint;
import dev.rollback.liquibase.ExpandContract;
import dev.rollback.liquibase.LintFinding;
import dev.rollback.liquibase.MigrationException;
import dev.rollback.liquibase.MigrationStatus;
import dev.rollback.liquibase.internal.PlainDataSource;
import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.CompositeResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;

/**
 * The command a build or an operator calls; the only class of this module that prints (to the
 * stream it is given, standard output from {@link #main}).
 *
 * <pre>
 * lint CHANGELOG... [--postgres] [--warn]     lint change logs (files under the working directory or on the class path)
 * status   --url JDBC_URL [--user U] [--password P]
 * contract --url JDBC_URL [--user U] [--password P] [--bake-time PT15M]
 * rollback --url JDBC_URL [--user U] [--password P]
 * release-locks --url JDBC_URL [--user U] [--password P]   release Liquibase's change log lock, as liquibase release-locks
 * </pre>
 *
 * <p>{@code status} prints each migration with its phase and what to run next, then the state of
 * Liquibase's change log lock (free, held by a running update, or left by an update whose process died).
 *
 * <p>From Maven: {@code mvn exec:java -Dexec.mainClass=dev.rollback.liquibase.cli.ExpandContractCommand
 * -Dexec.args="lint src/main/resources/db/changelog/db.changelog-master.yaml --postgres"}. A lint that
 * finds something (without {@code --warn}) or a failed step ends {@link #main} with an exception, so
 * the build fails; it never calls {@code System.exit}.
 */
public final class ExpandContractCommand {

    private ExpandContractCommand() {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments, see the class comment
     * @throws IllegalStateException if the lint found something or a step failed
     */
    public static void main(String[] args) {
        int status = run(args, System.out);
        if (status != 0) {
            throw new IllegalStateException("expand/contract command failed with status " + status + ": see above");
        }
    }

    /**
     * Runs the command, printing to {@code out}.
     *
     * @param args the arguments
     * @param out  where to print
     * @return 0 on success, 1 if the lint found something or a step failed, 2 on bad arguments
     */
    public static int run(String[] args, PrintStream out) {
        if (args.length == 0) {
            return usage(out, "no command");
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--postgres") || args[i].equals("--warn")) {
                options.put(args[i], "true");
            } else if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    return usage(out, args[i] + " needs a value");
                }
                options.put(args[i], args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        try {
            return switch (args[0]) {
                case "lint" -> lint(positional, options, out);
                case "status", "contract", "rollback", "release-locks" -> migrate(args[0], options, out);
                default -> usage(out, "unknown command " + args[0]);
            };
        } catch (MigrationException | IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static int lint(List<String> changelogs, Map<String, String> options, PrintStream out) {
        if (changelogs.isEmpty()) {
            return usage(out, "lint needs at least one change log");
        }
        ResourceAccessor resources;
        try {
            resources = new CompositeResourceAccessor(new DirectoryResourceAccessor(Path.of("").toAbsolutePath()),
                    new ClassLoaderResourceAccessor());
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("working directory not found: " + e.getMessage(), e);
        }
        List<LintFinding> findings = new ArrayList<>();
        for (String changelog : changelogs) {
            findings.addAll(ChangelogLint.lint(changelog, resources, options.containsKey("--postgres")));
        }
        findings.forEach(finding -> out.println((options.containsKey("--warn") ? "warning: " : "error: ") + finding));
        out.println(findings.size() + " finding(s) in " + changelogs.size() + " change log(s)");
        return findings.isEmpty() || options.containsKey("--warn") ? 0 : 1;
    }

    private static int migrate(String command, Map<String, String> options, PrintStream out) {
        String url = options.get("--url");
        if (url == null) {
            return usage(out, command + " needs --url");
        }
        ExpandContract.Builder builder = ExpandContract.builder(
                new DriverManagerDataSource(url, options.get("--user"), options.get("--password")), "(command line)");
        if (options.containsKey("--bake-time")) {
            builder.bakeTime(Duration.parse(options.get("--bake-time")));
        }
        ExpandContract migrations = builder.build();
        if (command.equals("contract")) {
            migrations.contract();
        } else if (command.equals("rollback")) {
            migrations.rollback();
        } else if (command.equals("release-locks")) {
            out.println(migrations.releaseChangelogLock() ? "released Liquibase's change log lock"
                    : "Liquibase's change log lock was free");
        }
        for (MigrationStatus status : migrations.status()) {
            out.println(status.phase() + "  " + status.changeType() + " on " + status.tableName() + "  (" + status.changeSet()
                    + (status.serviceVersion() == null ? "" : ", expanded by " + status.serviceVersion()) + ")");
            out.println("    next: " + status.nextStep());
        }
        out.println(migrations.changelogLock().orElse("Liquibase's change log lock is free"));
        return 0;
    }

    private static int usage(PrintStream out, String problem) {
        out.println("error: " + problem);
        out.println("usage: lint CHANGELOG... [--postgres] [--warn]");
        out.println("       status|contract|rollback|release-locks --url JDBC_URL [--user USER] [--password PASSWORD]"
                + " [--bake-time PT15M]");
        return 2;
    }

    /** Connections from {@link DriverManager}, for the command line. */
    private static final class DriverManagerDataSource extends PlainDataSource {

        private final String url;
        private final String user;
        private final String password;

        DriverManagerDataSource(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public Connection getConnection(String username, String pass) throws SQLException {
            return DriverManager.getConnection(url, username, pass);
        }
    }
}
