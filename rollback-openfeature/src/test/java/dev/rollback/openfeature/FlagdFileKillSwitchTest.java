package dev.rollback.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.flag.FlagListener;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flag file kill switch with two instances reading one flagd file: a rollback on one turns the
 * flag off in the file, the other sees it off within the reload time, and the outcome is published
 * and recorded as the Unleash kill switch's ({@code UnleashKillSwitchTest}).
 */
class FlagdFileKillSwitchTest {

    private static final String FEATURE = "checkout-v2";

    @TempDir
    Path dir;

    private FlagdFile flags;
    private OpenFeatureFlagSource here;
    private OpenFeatureFlagSource elsewhere;
    private final InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
    private RollbackRegistry registry;
    private final List<FlagFileKillSwitchEvent> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        flags = new FlagdFile(dir, "/flagd/checkout-25-percent.json");
        here = OpenFeatureFlagSource.builder(flags.client()).build();
        elsewhere = OpenFeatureFlagSource.builder(flags.client()).build();
        registry = RollbackRegistry.builder().ledger(ledger).service("checkout", "1.4.0").flagSource(here).build();
        new FlagdFileKillSwitch(flags.path()).attachTo(registry);
        registry.getEventPublisher().onEvent(e -> {
            if (e instanceof FlagFileKillSwitchEvent k) {
                published.add(k);
            }
        });
    }

    @AfterEach
    void tearDown() {
        registry.close();
        here.close();
        elsewhere.close();
        flags.close();
    }

    @Test
    void aRollbackTurnsTheFlagOffInTheFileForEveryInstanceAndIsRecordedAsTheUnleashKillSwitchIs() throws Exception {
        assertThat(IntStream.range(0, 1000).filter(i -> elsewhere.isEnabled(FEATURE, "user-" + i)).count())
                .isPositive();

        registry.guard(FEATURE).rollback("wrong totals");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published).singleElement()
                .satisfies(k -> {
                    assertThat(k.feature()).isEqualTo(FEATURE);
                    assertThat(k.outcome()).isEqualTo(FlagFileKillSwitchEvent.Outcome.TURNED_OFF);
                }));
        assertThat(flags.read()).contains("\"defaultVariant\" : \"off\"").doesNotContain("fractional");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> IntStream.range(0, 1000).noneMatch(i -> elsewhere.isEnabled(FEATURE, "user-" + i)));
        assertThat(elsewhere.isActive(FEATURE)).isFalse();
        String deployment = registry.deployment().id();
        registry.close(); // ledger writes are asynchronous; close flushes them
        // One record per rollback: the kill switch's outcome is written onto the guard's record.
        assertThat(ledger.rollbacks(deployment))
                .extracting(RollbackRecord::feature, RollbackRecord::scope, RollbackRecord::actor, RollbackRecord::outcome)
                .containsExactly(tuple(FEATURE, RollbackScope.FEATURE, RollbackActors.MANUAL, RollbackOutcome.SUCCEEDED));
    }

    @Test
    void aPersonRestoringTheRolloutInTheFileAsksForAReinstate() throws Exception {
        String original = flags.read();
        List<String> reinstates = new CopyOnWriteArrayList<>();
        here.addListener(new FlagListener() {
            @Override
            public void flagChanged(String feature) {
            }

            @Override
            public void reinstateRequested(String feature) {
                reinstates.add(feature);
            }
        });
        registry.guard(FEATURE).rollback("wrong totals");
        await().atMost(Duration.ofSeconds(5)).until(() -> !published.isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> !elsewhere.isActive(FEATURE));

        flags.replace(original);

        await().atMost(Duration.ofSeconds(10)).until(() -> reinstates.contains(FEATURE));
    }

    @Test
    void anUnknownFlagIsReportedAndNothingIsWritten() throws Exception {
        String before = flags.read();

        FlagFileKillSwitchEvent event = new FlagdFileKillSwitch(flags.path()).turnOff("payments-v3");

        assertThat(event.outcome()).isEqualTo(FlagFileKillSwitchEvent.Outcome.NOT_FOUND);
        assertThat(event.detail()).contains("flag 'payments-v3' is not in");
        assertThat(flags.read()).isEqualTo(before);
    }
}
