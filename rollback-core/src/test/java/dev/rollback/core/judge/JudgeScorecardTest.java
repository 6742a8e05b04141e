package dev.rollback.core.judge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints the judge lab's full scorecard (the table in {@code BENCHMARKS.md}); runs only when asked,
 * as it takes minutes:
 * {@code ./mvnw -B -o -q -pl rollback-core -am test -Dtest=JudgeScorecardTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Djudge.lab.aaRuns=200 -Djudge.lab.regressionRuns=100}.
 */
@EnabledIfSystemProperty(named = "judge.lab.aaRuns", matches = "\\d+")
class JudgeScorecardTest {

    @Test
    void printsTheScorecard() {
        int aaRuns = Integer.getInteger("judge.lab.aaRuns");
        int regressionRuns = Integer.getInteger("judge.lab.regressionRuns", aaRuns / 2);
        String table = JudgeLab.scorecard(aaRuns, regressionRuns);
        System.out.println(table);

        assertThat(table).contains("| A/A model |", "| regression model |");
    }
}
