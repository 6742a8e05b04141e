package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.ledger.JdbcRollbackLedger;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ledger's change log yields the same tables, columns, constraints and indexes as
 * {@link JdbcRollbackLedger#createSchema()}, and is skipped where createSchema() ran first.
 */
class LedgerChangelogTest {

    static List<String> kinds() {
        return TestDatabase.kinds();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void yieldsTheSameSchemaAsCreateSchema(String kind) throws Exception {
        TreeSet<String> fromChangelog;
        try (TestDatabase db = TestDatabase.open(kind, "ledger_lb")) {
            ExpandContract.builder(db.dataSource(), "dev/rollback/liquibase/ledger-changelog.xml").build().expand();
            fromChangelog = db.objects();
            new JdbcRollbackLedger(db.dataSource()).createSchema();
            assertThat(normalized(db.objects())).isEqualTo(normalized(fromChangelog));
        }
        try (TestDatabase db = TestDatabase.open(kind, "ledger_core")) {
            new JdbcRollbackLedger(db.dataSource()).createSchema();
            TreeSet<String> fromCore = db.objects();
            assertThat(normalized(fromChangelog)).isEqualTo(normalized(fromCore))
                    .anyMatch(o -> o.startsWith("constraint fk_rollback_record_deployment"))
                    .contains("index ix_deployment_record_version", "index ix_rollback_record_deployment",
                            "index ix_fleet_block_feature");
            assertThat(fromCore).contains("column deployment_record.heartbeat_time timestamp with time zone nullable=no",
                    "column rollback_record.trigger_kind character varying nullable=yes",
                    "column rollback_record.outcome character varying nullable=yes");

            ExpandContract.builder(db.dataSource(), "dev/rollback/liquibase/ledger-changelog.xml").build().expand();
            assertThat(normalized(db.objects())).isEqualTo(normalized(fromCore));
        }
    }

    /**
     * Tables, columns (type, nullability), and the constraints and indexes the DDL names; the names a
     * database makes up for primary keys and their indexes differ between the two and are left out.
     */
    private static TreeSet<String> normalized(TreeSet<String> objects) {
        TreeSet<String> normalized = new TreeSet<>();
        for (String object : objects) {
            if (object.startsWith("column ") || object.startsWith("table ")
                    || object.matches("constraint (fk|uq)_\\w+ .*") || object.matches("index ix_\\w+")) {
                normalized.add(object.replace(" validated=true", ""));
            }
        }
        return normalized;
    }
}
