package dev.rollback.examples.checkout;

import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.openfeature.FlagdFileKillSwitch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The {@code openfeature} profile: flags evaluated by flagd's in-process provider reading a flag file,
 * through an OpenFeature {@link Client}, which the starter makes the flag source. The file is a
 * writable copy of the module's {@value #FLAG_FILE_RESOURCE} ({@code checkout-v2} on a fractional
 * rollout), at {@code checkout.openfeature.flag-file}: copied there when no file is there yet (the
 * first instance of a fleet sharing the file), used as it is otherwise; without the setting, a fresh
 * copy in a temporary directory. Editing the file changes the rollout within
 * {@code checkout.openfeature.poll-interval-ms} (500 by default), and a rollback turns the flag off in it
 * ({@link FlagdFileKillSwitch}).
 */
@Configuration(proxyBeanMethods = false)
@Profile("openfeature")
public class OpenFeatureFlagsConfiguration {

    /** The module's flag file, copied to the file flagd reads. */
    public static final String FLAG_FILE_RESOURCE = "/flags/flagd.json";

    private static final String DOMAIN = "checkout";

    /**
     * The flag file flagd reads and the kill switch writes.
     *
     * @param location {@code checkout.openfeature.flag-file}, or empty for a fresh temporary copy
     * @return the file, which exists
     */
    @Bean
    public Path checkoutFlagFile(@Value("${checkout.openfeature.flag-file:}") String location) {
        try {
            Path file = location.isBlank()
                    ? Files.createTempDirectory("checkout-flags").resolve("flagd.json")
                    : Path.of(location).toAbsolutePath();
            if (Files.notExists(file)) {
                writeModuleFlagFile(file);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the flag file to '" + location + "'", e);
        }
    }

    /**
     * Writes the module's flag file ({@value #FLAG_FILE_RESOURCE}) to {@code file}, replacing what
     * is there, and creates its directory if needed.
     *
     * @param file where to write it
     * @throws IOException if it cannot be written
     */
    public static void writeModuleFlagFile(Path file) throws IOException {
        try (InputStream in = OpenFeatureFlagsConfiguration.class.getResourceAsStream(FLAG_FILE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(FLAG_FILE_RESOURCE + " is not on the class path");
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * flagd's in-process provider on the file, in an OpenFeature domain of the service's own; it is
     * ready (the file read) when this returns, and shut down with the context.
     *
     * @param flagFile           the file
     * @param pollIntervalMillis {@code checkout.openfeature.poll-interval-ms}: how often the file's
     *                           modification time is read
     * @return the provider
     */
    @Bean(destroyMethod = "shutdown")
    public FlagdProvider checkoutFlagdProvider(
            Path flagFile, @Value("${checkout.openfeature.poll-interval-ms:500}") int pollIntervalMillis) {
        FlagdProvider provider = new FlagdProvider(FlagdOptions.builder().resolverType(Config.Resolver.FILE)
                .offlineFlagSourcePath(flagFile.toString()).offlinePollIntervalMs(pollIntervalMillis)
                .deadline(10_000).build());
        OpenFeatureAPI.getInstance().setProviderAndWait(DOMAIN, provider);
        return provider;
    }

    /**
     * The OpenFeature client the starter's flag source evaluates {@code checkout-v2} through.
     *
     * @param provider the provider, set on the client's domain
     * @return the client
     */
    @Bean
    public Client checkoutOpenFeatureClient(FlagdProvider provider) {
        return OpenFeatureAPI.getInstance().getClient(DOMAIN);
    }

    /**
     * The fleet-wide kill switch: a feature rolled back is turned off in the file, for every instance
     * reading it.
     *
     * @param flagFile the file
     * @param registry the starter's registry
     * @return the kill switch, attached
     */
    @Bean
    public FlagdFileKillSwitch checkoutFlagdKillSwitch(Path flagFile, RollbackRegistry registry) {
        return new FlagdFileKillSwitch(flagFile).attachTo(registry);
    }
}
