package dev.rollback.core.judge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Prints the judge lab's scorecard: one seed per model in the build, the full table of
 * {@code BENCHMARKS.md} when asked (it takes minutes):
 * {@code ./mvnw -B -o -q -pl rollback-core -am test -Dtest=JudgeScorecardTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Djudge.lab.aaRuns=200 -Djudge.lab.regressionRuns=100}.
 */
class JudgeScorecardTest {

    @Test
    void printsOneLinePerModel() {
        int aaRuns = Integer.getInteger("judge.lab.aaRuns", 1);
        int regressionRuns = Integer.getInteger("judge.lab.regressionRuns", 1);
        String table = JudgeLab.scorecard(aaRuns, regressionRuns);
        System.out.println(table);

        int models = 2 * JudgeLab.aaModels(false).size() + JudgeLab.regressionModels().size();
        assertThat(table.lines().filter(line -> line.startsWith("| ") && !line.startsWith("| A/A model")
                && !line.startsWith("| regression model"))).hasSize(models);
    }
}
