package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.fleet.FleetBlock;
import dev.rollback.core.fleet.FleetScope;
import dev.rollback.core.fleet.FleetVerdict;
import dev.rollback.core.ledger.JdbcFleetStore;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ledger's change log yields the same tables, columns, constraints and indexes as
 * {@link JdbcRollbackLedger#createSchema()}, and is skipped where createSchema() ran first; both
 * upgrade a database created by the previous release's change log.
 */
class LedgerChangelogTest {

    private static final String CHANGELOG = "dev/rollback/liquibase/ledger-changelog.xml";
    private static final String PREVIOUS_CHANGELOG = "ledger/previous-ledger-changelog.xml";

    static List<String> kinds() {
        return TestDatabase.kinds();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void yieldsTheSameSchemaAsCreateSchema(String kind) throws Exception {
        TreeSet<String> fromChangelog;
        try (TestDatabase db = TestDatabase.open(kind, "ledger_lb")) {
            ExpandContract.builder(db.dataSource(), CHANGELOG).build().expand();
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
                            "index ix_fleet_block_feature", "index ix_fleet_block_scope");
            assertThat(fromCore).contains("column deployment_record.heartbeat_time timestamp with time zone nullable=no",
                    "column rollback_record.trigger_kind character varying nullable=yes",
                    "column rollback_record.outcome character varying nullable=yes");

            ExpandContract.builder(db.dataSource(), CHANGELOG).build().expand();
            assertThat(normalized(db.objects())).isEqualTo(normalized(fromCore));
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void upgradesADatabaseOfThePreviousReleaseSoThatItsFleetRowsAreNeverPooledAgain(String kind) throws Exception {
        TreeSet<String> current;
        try (TestDatabase db = TestDatabase.open(kind, "ledger_now")) {
            new JdbcRollbackLedger(db.dataSource()).createSchema();
            current = normalized(db.objects());
        }
        for (boolean byChangelog : new boolean[] {true, false}) {
            try (TestDatabase db = TestDatabase.open(kind, "ledger_up")) {
                ExpandContract.builder(db.dataSource(), PREVIOUS_CHANGELOG).build().expand();
                db.execute("INSERT INTO fleet_block (service_name, feature, instance_id, block_start, block_end, pairs,"
                                + " new_only_failures, old_only_failures, latency_pairs, sum_log_ratio, sum_squared_log_ratio,"
                                + " sum_new_log) VALUES ('checkout', 'checkout-v2', 'old-1', TIMESTAMP WITH TIME ZONE"
                                + " '2026-01-01 00:00:00+00', TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:01+00', 100, 77, 0, 23,"
                                + " 0, 0, 0)",
                        "INSERT INTO fleet_verdict (service_name, feature, epoch, last_block_id, decided_by, decision_time,"
                                + " evidence, instances) VALUES ('checkout', 'checkout-v2', 1, 1, 'old-1', TIMESTAMP WITH"
                                + " TIME ZONE '2026-01-01 00:00:01+00', 'error rate up', 'old-1')");

                if (byChangelog) {
                    ExpandContract.builder(db.dataSource(), CHANGELOG).build().expand();
                } else {
                    new JdbcRollbackLedger(db.dataSource()).createSchema();
                }

                assertThat(normalized(db.objects())).as(byChangelog ? "by the change log" : "by createSchema()")
                        .isEqualTo(current);
                assertThat(db.count("SELECT COUNT(*) FROM fleet_block WHERE service_version = ''")).isOne();
                assertThat(db.count("SELECT COUNT(*) FROM fleet_verdict WHERE service_version = ''")).isOne();
                JdbcFleetStore store = new JdbcFleetStore(db.dataSource());
                FleetScope scope = new FleetScope("checkout", "2.0.0");
                Instant t0 = Instant.parse("2026-02-01T00:00:00Z");
                assertThat(store.pooled(scope, "checkout-v2", 0).instances()).isEmpty();
                assertThat(store.latestVerdict(scope, "checkout-v2")).isEmpty();
                store.publish(scope, "new-1", t0, List.of(new FleetBlock("checkout-v2", "new-1", t0, t0, 10, 1, 0, 9, 0, 0, 0)));
                assertThat(store.pooled(scope, "checkout-v2", 0).instanceIds()).containsExactly("new-1");
                FleetVerdict first = new FleetVerdict("checkout-v2", 1, 2, "new-1", t0, "error rate up", List.of("new-1"));
                assertThat(store.recordVerdict(scope, first)).isTrue();
                assertThat(store.recordVerdict(scope, first)).isFalse();
                assertThat(store.latestVerdict(scope, "checkout-v2")).contains(first);
            }
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
