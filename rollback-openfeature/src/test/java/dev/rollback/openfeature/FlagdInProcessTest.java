package dev.rollback.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flag source on a real evaluation engine: flagd's in-process provider reading a flag file
 * ({@code flagd/checkout-25-percent.json}) whose flag sends 25% of targeting keys to the new path
 * with flagd's {@code fractional} operation.
 */
class FlagdInProcessTest {

    private static final String FEATURE = "checkout-v2";

    @TempDir
    Path dir;

    private FlagdFile flags;
    private OpenFeatureFlagSource source;

    @BeforeEach
    void setUp() {
        flags = new FlagdFile(dir, "/flagd/checkout-25-percent.json");
        source = OpenFeatureFlagSource.builder(flags.client()).build();
    }

    @AfterEach
    void tearDown() {
        source.close();
        flags.close();
    }

    @Test
    void theShareOfKeysOnTheNewPathMatchesTheFile() {
        int keys = 20_000;

        long on = IntStream.range(0, keys).filter(i -> source.isEnabled(FEATURE, "user-" + i)).count();

        // flagd hashes flag key and targeting key (murmur3) into 100 buckets: 25% +- 1.5% of 20,000 keys
        assertThat((double) on / keys).isBetween(0.235, 0.265);
        assertThat(IntStream.range(0, 1000).allMatch(i -> source.isEnabled(FEATURE, "user-" + i)
                == source.isEnabled(FEATURE, "user-" + i))).as("a key stays on its path").isTrue();
        assertThat(source.isActive(FEATURE)).isTrue();
    }

    @Test
    void editingTheFileTurnsThePathOffWithinTheReloadTime() throws Exception {
        int onBefore = (int) IntStream.range(0, 1000).filter(i -> source.isEnabled(FEATURE, "user-" + i)).count();
        assertThat(onBefore).isPositive();

        flags.replace(flags.read().replace("\"defaultVariant\": \"off\",", "\"defaultVariant\": \"off\"")
                .replaceAll("(?s),?\\s*\"targeting\": \\{.*?\\]\\s*\\]\\s*\\}", ""));

        // the file's mtime is polled every FlagdFile.RELOAD_MS; 2 s bounds a loaded 2-core machine
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                .until(() -> IntStream.range(0, 1000).noneMatch(i -> source.isEnabled(FEATURE, "user-" + i)));
        assertThat(source.isActive(FEATURE)).isFalse();
    }
}
