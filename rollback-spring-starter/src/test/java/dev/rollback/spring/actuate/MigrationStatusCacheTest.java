package dev.rollback.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MockClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MigrationStatusCacheTest {

    private final MockClock clock = new MockClock();

    /** Migrations whose status read hangs while the database is "down", as a pool waiting for a connection. */
    private static class HangingMigrations implements RollbackMigrations {
        final AtomicReference<CountDownLatch> outage = new AtomicReference<>();
        final CountDownLatch hung = new CountDownLatch(1);
        volatile String phase = "EXPANDED";

        @Override
        public List<Map<String, Object>> status() {
            CountDownLatch down = outage.get();
            if (down == null) {
                return List.of(Map.of("phase", phase));
            }
            hung.countDown();
            try {
                if (!down.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Connection is not available, request timed out after 30000ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return List.of(Map.of("phase", phase));
        }

        @Override
        public void contract() {
            phase = "CONTRACTED";
        }

        @Override
        public void rollback() {
            phase = "ROLLED_BACK";
        }
    }

    @Test
    void servesTheLastStatusWithItsAgeWhileTheDatabaseHangs() throws InterruptedException {
        HangingMigrations migrations = new HangingMigrations();
        try (MigrationStatusCache cache = new MigrationStatusCache(migrations, Duration.ofMillis(20), clock)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !cache.status().isEmpty());
            CountDownLatch outage = new CountDownLatch(1);
            migrations.outage.set(outage);
            assertThat(migrations.hung.await(10, TimeUnit.SECONDS)).isTrue();
            clock.add(Duration.ofSeconds(42));

            // The refresh thread is stuck in the database; the callers are not.
            long slowest = 0;
            for (int i = 0; i < 1_000; i++) {
                long t0 = System.nanoTime();
                cache.status();
                cache.freshness();
                slowest = Math.max(slowest, System.nanoTime() - t0);
            }
            System.out.printf("OUTAGE: 1,000 reads of the migration status while its database read hangs: slowest %d us%n",
                    TimeUnit.NANOSECONDS.toMicros(slowest));
            assertThat(cache.status()).singleElement().isEqualTo(Map.of("phase", "EXPANDED"));
            assertThat(cache.freshness()).containsEntry("ageSeconds", 42.0).containsEntry("error", null);
            outage.countDown();
        }
    }

    @Test
    void readsTheStatusAgainRightAfterAContract() {
        HangingMigrations migrations = new HangingMigrations();
        try (MigrationStatusCache cache = new MigrationStatusCache(migrations, Duration.ofHours(1), clock)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !cache.status().isEmpty());

            cache.contract();

            await().atMost(Duration.ofSeconds(10)).until(() -> cache.status().equals(List.of(Map.of("phase",
                    "CONTRACTED"))));
        }
    }

    @Test
    void saysWhyTheLastReadFailed() {
        RollbackMigrations failing = new HangingMigrations() {
            @Override
            public List<Map<String, Object>> status() {
                throw new IllegalStateException("database down");
            }
        };
        try (MigrationStatusCache cache = new MigrationStatusCache(failing, Duration.ofHours(1), clock)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.freshness().get("error") != null);

            assertThat(cache.freshness()).containsEntry("readAt", null)
                    .containsEntry("error", "java.lang.IllegalStateException: database down");
            assertThat(cache.status()).isEmpty();
        }
    }
}
