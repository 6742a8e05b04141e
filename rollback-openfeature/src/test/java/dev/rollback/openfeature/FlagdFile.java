package dev.rollback.openfeature;

import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A flagd flag file copied from a test resource, and flagd in-process providers reading it, each in
 * an OpenFeature domain of its own (one per simulated instance).
 */
final class FlagdFile implements AutoCloseable {

    /** How often the providers read the file's modification time. */
    static final int RELOAD_MS = 100;

    private final Path file;
    private final List<FlagdProvider> providers = new ArrayList<>();

    FlagdFile(Path dir, String resource) {
        file = dir.resolve("flags.json");
        try (InputStream in = FlagdFile.class.getResourceAsStream(resource)) {
            Files.copy(in, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path() {
        return file;
    }

    /** A client on a new provider reading the file, ready. */
    Client client() {
        String domain = "flagd-" + UUID.randomUUID();
        FlagdProvider provider = new FlagdProvider(FlagdOptions.builder().resolverType(Config.Resolver.FILE)
                .offlineFlagSourcePath(file.toString()).offlinePollIntervalMs(RELOAD_MS).deadline(10_000).build());
        OpenFeatureAPI.getInstance().setProviderAndWait(domain, provider);
        providers.add(provider);
        return OpenFeatureAPI.getInstance().getClient(domain);
    }

    String read() throws IOException {
        return Files.readString(file);
    }

    /** Writes the file whole and moves it into place, so a provider never reads half a file. */
    void replace(String json) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "flags", ".json");
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        providers.forEach(FlagdProvider::shutdown);
    }
}
