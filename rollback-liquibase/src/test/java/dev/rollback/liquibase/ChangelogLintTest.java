package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.liquibase.cli.ExpandContractCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.Test;

class ChangelogLintTest {

    @Test
    void namesEachChangeThatBreaksTheRunningVersionAndItsReplacement() {
        List<LintFinding> findings = ChangelogLint.lint("bad/plain-changes.yaml", new ClassLoaderResourceAccessor(), true);

        assertThat(findings).extracting(LintFinding::changeSet).allMatch(cs -> cs.startsWith("bad/plain-changes.yaml::plain-"));
        assertThat(findings).extracting(f -> f.changeType() + " -> " + f.replacement()).containsExactly(
                "dropColumn -> expandDropColumn",
                "renameColumn -> expandRenameColumn",
                "modifyDataType -> expandChangeColumnType",
                "addNotNullConstraint -> expandAddNotNull with a fillExpression",
                "addColumn -> expandAddColumn with notNull and a fillExpression",
                "createIndex -> expandCreateIndex (CREATE INDEX CONCURRENTLY)",
                "sql -> the matching expand change type (expandDropColumn, expandRenameColumn, expandChangeColumnType,"
                        + " expandAddNotNull, expandDropTable, expandRenameTable)",
                "renameTable -> expandRenameTable",
                "dropTable -> expandDropTable",
                "dropIndex -> expandDropIndex (dropped at contract)");
        assertThat(findings.get(0).toString()).isEqualTo("change set bad/plain-changes.yaml::plain-1::test: dropColumn drops a"
                + " column the running version still reads and writes; use expandDropColumn");
    }

    @Test
    void nonConcurrentIndexesAreOnlyAProblemOnPostgres() {
        List<LintFinding> findings = ChangelogLint.lint("bad/plain-changes.yaml", new ClassLoaderResourceAccessor(), false);

        assertThat(findings).extracting(LintFinding::changeType).doesNotContain("createIndex").contains("dropColumn");
    }

    @Test
    void rawSqlThatBreaksTheRunningVersionIsOnlyAllowedAtContract() {
        List<LintFinding> findings = ChangelogLint.lint("bad/expand-sql.yaml", new ClassLoaderResourceAccessor(), true);

        assertThat(findings).extracting(LintFinding::toString).containsExactly("change set bad/expand-sql.yaml::sql-at-expand::test:"
                + " expandSql runs SQL at expand that breaks the running version (DROP COLUMN); use onContract: true, or"
                + " the matching expand change type");
    }

    @Test
    void expandContractChangeLogsAreClean() {
        for (Scenario scenario : Scenarios.all()) {
            assertThat(ChangelogLint.lint(scenario.changelog, new ClassLoaderResourceAccessor(), true)).as(scenario.name).isEmpty();
        }
    }

    @Test
    void commandFailsOnFindingsAndPassesWithWarn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        assertThat(ExpandContractCommand.run(new String[] {"lint", "bad/plain-changes.yaml", "--postgres"}, out)).isEqualTo(1);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("error: change set bad/plain-changes.yaml::plain-1::test:"
                + " renameColumn renames a column under the running version; use expandRenameColumn").contains("10 finding(s)");

        assertThat(ExpandContractCommand.run(new String[] {"lint", "bad/plain-changes.yaml", "--warn"}, out)).isZero();
        assertThat(ExpandContractCommand.run(new String[] {"lint", "scenarios/rename-column.xml"}, out)).isZero();
        assertThat(ExpandContractCommand.run(new String[] {"frobnicate"}, out)).isEqualTo(2);
    }
}
