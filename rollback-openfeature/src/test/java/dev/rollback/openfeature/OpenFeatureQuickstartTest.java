package dev.rollback.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.guard.ReleaseGuard;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's OpenFeature snippet, as written there, on the SDK's in-memory provider. */
class OpenFeatureQuickstartTest {

    @Test
    void theReadmeSnippetRoutesEachKeyAsTheProviderSays() {
        FeatureProvider provider = new InMemoryProvider(Map.of("checkout-v2", Flag.<Boolean>builder()
                .variant("on", true).variant("off", false).defaultVariant("off")
                .contextEvaluator((flag, ctx) -> ctx.getTargetingKey().startsWith("beta-")).build()));

        // -- README: OpenFeature
        OpenFeatureAPI.getInstance().setProviderAndWait(provider);            // your provider, as usual
        OpenFeatureFlagSource flags = OpenFeatureFlagSource.builder(OpenFeatureAPI.getInstance().getClient())
                .build();                                                    // close() unregisters its handlers
        RollbackRegistry registry = RollbackRegistry.builder().flagSource(flags).build();
        // -- end

        try (flags; registry) {
            ReleaseGuard guard = registry.guard("checkout-v2");
            assertThat(guard.call("beta-ann", () -> "new", () -> "old")).isEqualTo("new");
            assertThat(guard.call("bob", () -> "new", () -> "old")).isEqualTo("old");
        }
    }
}
