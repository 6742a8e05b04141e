package dev.rollback.benchmarks;

import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.flags.UnleashFlagSource;
import dev.rollback.flags.UnleashFlagSubscriber;
import dev.rollback.openfeature.OpenFeatureFlagSource;
import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.util.UnleashConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a flag decision costs with Unleash and with OpenFeature, side by side: the Unleash SDK's own
 * {@code isEnabled}, {@link UnleashFlagSource} with its decision cache cold (every key new) and warm
 * (every key cached); OpenFeature's {@code client.getBooleanValue} on flagd's in-process provider,
 * {@link OpenFeatureFlagSource} cold and warm; the in-memory flag source for comparison, and a whole
 * guarded call whose flag comes from Unleash.
 *
 * <p>flagd reads a flag file with the same flag, a 50% {@code fractional} rollout on the targeting
 * key; it polls the file's modification time, which never changes during the run.
 *
 * <p>The SDK is bootstrapped with one flag, a 50% {@code flexibleRollout} on {@code userId}, and does
 * not poll, so no server is needed and nothing changes during the run. Keyed calls cycle through
 * user ids: {@value #WARM_KEYS} of them for the warm cache (all cached after the first round) and
 * {@value #COLD_KEYS} for the cold one (ten times the cache, so nearly every call misses).
 *
 * <p>Run, from the repository root:
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar UnleashFlagBenchmark -t 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class UnleashFlagBenchmark {

    static final String FEATURE = "checkout-v2";
    static final int WARM_KEYS = 1_000;
    static final int COLD_KEYS = 100_000;
    private static final long CACHE_SIZE = 10_000;

    private static final String FEATURES = "{\"version\":2,\"features\":[{\"name\":\"" + FEATURE + "\","
            + "\"type\":\"release\",\"enabled\":true,\"project\":\"default\",\"stale\":false,"
            + "\"strategies\":[{\"name\":\"flexibleRollout\",\"constraints\":[],\"parameters\":{\"groupId\":\""
            + FEATURE + "\",\"rollout\":\"50\",\"stickiness\":\"userId\"}}],\"variants\":[],"
            + "\"impressionData\":false}]}";

    private static final String FLAGD_FLAGS = "{\"flags\":{\"" + FEATURE + "\":{\"state\":\"ENABLED\","
            + "\"variants\":{\"on\":true,\"off\":false},\"defaultVariant\":\"off\","
            + "\"targeting\":{\"fractional\":[[\"on\",50],[\"off\",50]]}}}}";

    /** An Unleash client, its flag source, a guard on it, and the keys. Shared by all threads. */
    @State(Scope.Benchmark)
    public static class Flags {

        Path backup;
        Unleash unleash;
        UnleashFlagSource warm;
        UnleashFlagSource cold;
        InMemoryFlagSource inMemory;
        RollbackRegistry registry;
        ReleaseGuard guard;
        UnleashContext[] contexts;
        Path flagdFile;
        FlagdProvider flagd;
        Client openFeature;
        OpenFeatureFlagSource openFeatureWarm;
        OpenFeatureFlagSource openFeatureCold;
        EvaluationContext[] openFeatureContexts;
        String[] warmKeys;
        String[] coldKeys;
        Supplier<String> newPath;
        Supplier<String> oldPath;
        String answer = "receipt";

        /**
         * Starts the bootstrapped client and everything on it.
         *
         * @throws IOException if the backup file cannot be created
         */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            // A backup file that does not exist yet, so that the SDK starts from the bootstrap.
            backup = Files.createTempDirectory("unleash-benchmark").resolve("backup.json");
            UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber();
            unleash = new DefaultUnleash(UnleashConfig.builder()
                    .appName("rollback-benchmark")
                    .instanceId("benchmark")
                    .unleashAPI("http://127.0.0.1:9/api/")
                    .disablePolling()
                    .disableMetrics()
                    .backupFile(backup.toString())
                    .toggleBootstrapProvider(() -> Optional.of(FEATURES))
                    .subscriber(subscriber)
                    .build());
            warm = UnleashFlagSource.builder(unleash, subscriber).cacheMaximumSize(CACHE_SIZE).build();
            UnleashFlagSubscriber coldSubscriber = new UnleashFlagSubscriber();
            cold = UnleashFlagSource.builder(unleash, coldSubscriber).cacheMaximumSize(CACHE_SIZE).build();
            inMemory = new InMemoryFlagSource().rollout(FEATURE, 50);
            registry = RollbackRegistry.builder().meterRegistry(new SimpleMeterRegistry()).flagSource(warm).build();
            guard = registry.guard(FEATURE);
            warmKeys = keys(WARM_KEYS);
            coldKeys = keys(COLD_KEYS);
            contexts = new UnleashContext[WARM_KEYS];
            for (int i = 0; i < WARM_KEYS; i++) {
                contexts[i] = UnleashContext.builder().userId(warmKeys[i]).build();
            }
            newPath = () -> answer;
            oldPath = () -> answer;
            long on = Arrays.stream(contexts).filter(c -> unleash.isEnabled(FEATURE, c, false)).count();
            if (on < WARM_KEYS / 3 || on > 2 * WARM_KEYS / 3) {
                throw new IllegalStateException("the bootstrapped 50% rollout put " + on + " of " + WARM_KEYS
                        + " keys on the new path");
            }
            flagdFile = backup.resolveSibling("flags.json");
            Files.writeString(flagdFile, FLAGD_FLAGS);
            flagd = new FlagdProvider(FlagdOptions.builder().resolverType(Config.Resolver.FILE)
                    .offlineFlagSourcePath(flagdFile.toString()).deadline(10_000).build());
            OpenFeatureAPI.getInstance().setProviderAndWait("rollback-benchmark", flagd);
            openFeature = OpenFeatureAPI.getInstance().getClient("rollback-benchmark");
            openFeatureWarm = OpenFeatureFlagSource.builder(openFeature).cacheMaximumSize(CACHE_SIZE).build();
            openFeatureCold = OpenFeatureFlagSource.builder(openFeature).cacheMaximumSize(CACHE_SIZE).build();
            openFeatureContexts = new EvaluationContext[WARM_KEYS];
            for (int i = 0; i < WARM_KEYS; i++) {
                openFeatureContexts[i] = new ImmutableContext(warmKeys[i]);
            }
            long onFlagd = Arrays.stream(openFeatureContexts)
                    .filter(c -> openFeature.getBooleanValue(FEATURE, false, c)).count();
            if (onFlagd < WARM_KEYS / 3 || onFlagd > 2 * WARM_KEYS / 3) {
                throw new IllegalStateException("flagd's 50% fractional rollout put " + onFlagd + " of " + WARM_KEYS
                        + " keys on the new path");
            }
        }

        /**
         * Fails the trial if the guard left its rollout, and releases the client.
         *
         * @throws IOException if the backup file cannot be deleted
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            GuardState state = guard.state();
            registry.close();
            unleash.shutdown();
            openFeatureWarm.close();
            openFeatureCold.close();
            flagd.shutdown();
            // the API's event executor is not a daemon: without this the forked JVM would not exit
            OpenFeatureAPI.getInstance().shutdown();
            Files.deleteIfExists(flagdFile);
            Files.deleteIfExists(backup);
            Files.deleteIfExists(backup.getParent());
            if (state == GuardState.ROLLED_BACK) {
                throw new IllegalStateException("the guard rolled back during the benchmark");
            }
        }

        private static String[] keys(int count) {
            String[] keys = new String[count];
            for (int i = 0; i < count; i++) {
                keys[i] = "user-" + i;
            }
            return keys;
        }
    }

    /** Each thread's position in the key cycle. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int next(int bound) {
            int i = next;
            next = i + 1 == bound ? 0 : i + 1;
            return i;
        }
    }

    /**
     * The SDK alone, with a context built once per key.
     *
     * @param flags  the flags
     * @param cursor the key cycle
     * @return the decision
     */
    @Benchmark
    public boolean unleashIsEnabled(Flags flags, Cursor cursor) {
        return flags.unleash.isEnabled(FEATURE, flags.contexts[cursor.next(WARM_KEYS)], false);
    }

    /**
     * The flag source with a cold cache: nearly every key is new to it.
     *
     * @param flags  the flags
     * @param cursor the key cycle
     * @return the decision
     */
    @Benchmark
    public boolean unleashFlagSourceCold(Flags flags, Cursor cursor) {
        return flags.cold.isEnabled(FEATURE, flags.coldKeys[cursor.next(COLD_KEYS)]);
    }

    /**
     * The flag source with a warm cache: every key is cached.
     *
     * @param flags  the flags
     * @param cursor the key cycle
     * @return the decision
     */
    @Benchmark
    public boolean unleashFlagSourceWarm(Flags flags, Cursor cursor) {
        return flags.warm.isEnabled(FEATURE, flags.warmKeys[cursor.next(WARM_KEYS)]);
    }

    /**
     * OpenFeature alone: {@code client.getBooleanValue} on flagd's in-process provider, with a
     * context built once per key.
     *
     * @param flags  the flags
     * @param cursor the key cycle
     * @return the decision
     */
    @Benchmark
    public boolean openFeatureGetBooleanValue(Flags flags, Cursor cursor) {
        return flags.openFeature.getBooleanValue(FEATURE, false, flags.openFeatureContexts[cursor.next(WARM_KEYS)]);
    }

    /**
     * The OpenFeature flag source with a cold cache: nearly every key is new to it.
     *
     * @param flags  the flags
     * @param cursor the key cycle
     * @return the decision
     */
    @Benchmark
    public boolean openFeatureFlagSourceCold(Flags flags, Cursor cursor) {
        return flags.openFeatureCold.isEnabled(FEATURE, flags.coldKeys[cursor.next(COLD_KEYS)]);
    }

    /**
     * The OpenFeature flag source with a warm cache: every key is cached.
     *
     * @param flags  the flags
     * @param cursor the key cycle
     * @return the decision
     */
    @Benchmark
    public boolean openFeatureFlagSourceWarm(Flags flags, Cursor cursor) {
        return flags.openFeatureWarm.isEnabled(FEATURE, flags.warmKeys[cursor.next(WARM_KEYS)]);
    }

    /**
     * The in-memory flag source, for comparison.
     *
     * @param flags  the flags
     * @param cursor the key cycle
     * @return the decision
     */
    @Benchmark
    public boolean inMemoryFlagSource(Flags flags, Cursor cursor) {
        return flags.inMemory.isEnabled(FEATURE, flags.warmKeys[cursor.next(WARM_KEYS)]);
    }

    /**
     * A whole guarded call, keyed, whose flag comes from Unleash through the warm flag source.
     *
     * @param flags  the flags
     * @param cursor the key cycle
     * @return the answer
     */
    @Benchmark
    public String guardedCallOnUnleash(Flags flags, Cursor cursor) {
        return flags.guard.call(flags.warmKeys[cursor.next(WARM_KEYS)], flags.newPath, flags.oldPath);
    }
}
