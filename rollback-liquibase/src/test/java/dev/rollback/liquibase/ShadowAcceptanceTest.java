package dev.rollback.liquibase;

import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The acceptance suite ({@link ExpandContractAcceptanceTest}'s cases, inherited) over the scenarios of
 * rules on several columns ({@link ShadowScenarios}): JUnit takes the arguments from this class's
 * {@code scenarios()}, which hides the inherited one.
 */
class ShadowAcceptanceTest extends ExpandContractAcceptanceTest {

    static Stream<Arguments> scenarios() {
        return TestDatabase.kinds().stream().flatMap(kind -> ShadowScenarios.all().stream()
                .filter(s -> s.runsOn(kind)).map(s -> Arguments.of(kind, s)));
    }
}
