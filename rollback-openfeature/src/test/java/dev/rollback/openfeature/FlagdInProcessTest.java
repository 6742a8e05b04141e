package dev.rollback.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
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
    /** How often the provider reads the file's modification time. */
    private static final int RELOAD_MS = 100;

    @TempDir
    Path dir;

    private Path file;
    private String domain;
    private OpenFeatureFlagSource source;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("flags.json");
        try (InputStream in = getClass().getResourceAsStream("/flagd/checkout-25-percent.json")) {
            Files.copy(in, file);
        }
        domain = "flagd-" + UUID.randomUUID();
        OpenFeatureAPI.getInstance().setProviderAndWait(domain, new FlagdProvider(FlagdOptions.builder()
                .resolverType(Config.Resolver.FILE).offlineFlagSourcePath(file.toString())
                .offlinePollIntervalMs(RELOAD_MS).deadline(10_000).build()));
        source = OpenFeatureFlagSource.builder(OpenFeatureAPI.getInstance().getClient(domain)).build();
    }

    @AfterEach
    void tearDown() {
        source.close();
        OpenFeatureAPI.getInstance().getProvider(domain).shutdown();
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

        replace(Files.readString(file).replace("\"defaultVariant\": \"off\",", "\"defaultVariant\": \"off\"")
                .replaceAll("(?s),?\\s*\"targeting\": \\{.*?\\]\\s*\\]\\s*\\}", ""));

        // the file's mtime is polled every RELOAD_MS; 2 s bounds a loaded 2-core machine
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                .until(() -> IntStream.range(0, 1000).noneMatch(i -> source.isEnabled(FEATURE, "user-" + i)));
        assertThat(source.isActive(FEATURE)).isFalse();
    }

    /** Writes the file whole and moves it into place, so the provider never reads half a file. */
    private void replace(String json) throws IOException {
        Path tmp = Files.createTempFile(dir, "flags", ".json");
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
