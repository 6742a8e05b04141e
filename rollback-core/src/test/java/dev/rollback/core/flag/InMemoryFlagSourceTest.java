package dev.rollback.core.flag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InMemoryFlagSourceTest {

    private final InMemoryFlagSource flags = new InMemoryFlagSource(new SplittableRandom(7));

    @Test
    void keepsUnknownFeaturesOff() {
        assertThat(flags.isEnabled("unknown", null)).isFalse();
        assertThat(flags.isEnabled("unknown", "user-1")).isFalse();
    }

    @Test
    void putsAboutTheRolloutShareOfKeysOnTheNewPathAndOnlyAddsKeysWhenItGrows() {
        flags.rollout("checkout-v2", 20);
        List<Integer> atTwenty = IntStream.range(0, 10_000)
                .filter(i -> flags.isEnabled("checkout-v2", "user-" + i)).boxed().toList();
        flags.rollout("checkout-v2", 50);
        List<Integer> atFifty = IntStream.range(0, 10_000)
                .filter(i -> flags.isEnabled("checkout-v2", "user-" + i)).boxed().toList();

        assertThat(atTwenty.size()).isBetween(1_800, 2_200);
        assertThat(atFifty.size()).isBetween(4_700, 5_300);
        assertThat(atFifty).containsAll(atTwenty);
    }

    @Test
    void placesKeylessCallsAtRandomInTheShare() {
        flags.rollout("checkout-v2", 30);

        long on = IntStream.range(0, 10_000).filter(i -> flags.isEnabled("checkout-v2", null)).count();

        assertThat(on).isBetween(2_800L, 3_200L);
    }

    @Test
    void turnsAFeatureOffOnRollbackAndRestoresItsShareOnReinstate() {
        List<String> changed = new ArrayList<>();
        flags.addListener(changed::add);
        flags.rollout("checkout-v2", 40);

        flags.onRollback("checkout-v2", "regression");
        assertThat(flags.percentage("checkout-v2")).isZero();

        flags.onReinstate("checkout-v2");
        assertThat(flags.percentage("checkout-v2")).isEqualTo(40);
        assertThat(changed).containsExactly("checkout-v2", "checkout-v2", "checkout-v2");
    }

    @Test
    void rejectsSharesOutsideZeroToOneHundredNamingTheValue() {
        assertThatThrownBy(() -> flags.rollout("checkout-v2", 101))
                .hasMessage("rollout share of feature 'checkout-v2' must be from 0 to 100 percent, was 101");
        assertThatThrownBy(() -> flags.rollout("checkout-v2", -1))
                .hasMessage("rollout share of feature 'checkout-v2' must be from 0 to 100 percent, was -1");
        assertThatThrownBy(() -> flags.enable(""))
                .hasMessage("feature name must not be null or blank, was ''");
    }
}
