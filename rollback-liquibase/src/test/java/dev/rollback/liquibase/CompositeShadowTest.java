package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Rules over several columns on shadow columns (PostgreSQL): old writes of duplicates racing each
 * other never fail, and two rules on one column in one change set are refused.
 */
class CompositeShadowTest {

    private static final int WRITERS = 4;
    private static final int INSERTS_PER_WRITER = 150;
    /** Few values for many inserts: most of them duplicate a row another writer inserts at the same moment. */
    private static final int VALUES = 25;

    /**
     * From pgroll's {@code op_create_constraint_test.go} ("create unique constraint on multiple
     * columns": inserting duplicates through the old schema succeeds), under concurrency: writers of
     * the old version insert the same values at once; none fails, and for the new version each value
     * is held by exactly one row, the others NULL. Seeded values, bounded inserts.
     */
    @Test
    void oldWritersRacingWithTheSameValuesNeverFailAndTheNewVersionSeesEachValueOnce() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "unique_race")) {
            Scenario scenario = new ShadowScenarios.CompositeUnique();
            db.execute(scenario.setup().toArray(String[]::new));
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), scenario.changelog)
                    .backfillPause(Duration.ZERO).build();
            migrations.expand();

            ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
            try {
                List<Future<Integer>> inserted = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    inserted.add(writers.submit(writer(db, w)));
                }
                int total = 0;
                for (Future<Integer> writer : inserted) {
                    total += writer.get(60, TimeUnit.SECONDS);
                }
                assertThat(total).as("OLD inserts, none failed").isEqualTo(WRITERS * INSERTS_PER_WRITER);
            } finally {
                writers.shutdownNow();
            }

            String view = scenario.newSchema(db) + ".account";
            assertThat(db.count("SELECT COUNT(*) FROM (SELECT region, login FROM " + view
                    + " WHERE login IS NOT NULL GROUP BY region, login HAVING COUNT(*) > 1) d")).as("values held twice").isZero();
            assertThat(db.count("SELECT COUNT(*) FROM " + view + " WHERE login IS NOT NULL"))
                    .as("values the new version sees, each once")
                    .isEqualTo(db.count("SELECT COUNT(*) FROM (SELECT DISTINCT region, login FROM account) d"));
            assertThat(db.count("SELECT COUNT(*) FROM account WHERE login IS NULL")).as("OLD values kept").isZero();
        }
    }

    /** Inserts rows with seeded values from a small set, as the old version does, through the physical schema. */
    private static Callable<Integer> writer(TestDatabase db, int writer) {
        return () -> {
            Random random = new Random(writer);
            int done = 0;
            try (Connection connection = db.dataSource().getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO account (id, region, login) VALUES (?, ?, ?)")) {
                for (int i = 0; i < INSERTS_PER_WRITER; i++) {
                    int value = random.nextInt(VALUES);
                    insert.setLong(1, (long) writer * INSERTS_PER_WRITER + i);
                    insert.setInt(2, value % 3);
                    insert.setString(3, "l" + value);
                    done += insert.executeUpdate();
                }
            }
            return done;
        };
    }

    /**
     * Two rules on customer_id in one change set: the second is refused, naming the column and the
     * first; rollback then leaves the schema exactly as it was.
     */
    @Test
    void twoRulesOnOneColumnAreRefusedAndRollbackLeavesTheSchemaAsItWas() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "overlap")) {
            Scenario scenario = new ShadowScenarios.CompositeForeignKey();
            db.execute(scenario.setup().toArray(String[]::new));
            TreeSet<String> before = db.objects();
            Map<String, Long> files = db.relfilenodes();
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), "scenarios/overlapping-rules.yaml").build();

            assertThatThrownBy(migrations::expand).hasMessageContaining("overlapping-rules.yaml::overlapping-rules::test")
                    .hasMessageContaining("expandAddUnique on purchase")
                    .hasMessageContaining("column customer_id has a shadow column already, for expandAddForeignKey")
                    .hasMessageContaining("after that one is contracted");

            migrations.rollback();
            assertThat(db.objects()).as("schema after rollback").isEqualTo(before);
            assertThat(db.relfilenodes()).as("no table rewritten").containsAllEntriesOf(files);
        }
    }
}
