package dev.rollback.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.health.FeatureHealth;
import dev.rollback.core.metrics.RollbackMetricNames;
import dev.rollback.spring.RollbackKey;
import dev.rollback.spring.RollbackKeyResolver;
import dev.rollback.spring.Rollbackable;
import dev.rollback.spring.autoconfigure.RollbackAutoConfiguration;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What a {@code @Rollbackable} method does at run time. */
class RollbackableTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RollbackAutoConfiguration.class))
            .withBean("checkout", Checkout.class);

    @Test
    void newPathAnswersWhileItWorks() {
        runner.run(context -> {
            Checkout checkout = context.getBean(Checkout.class);
            assertThat(AopUtils.isAopProxy(checkout)).isTrue();
            assertThat(checkout.checkoutV2("user-1", 3)).isEqualTo("v2:user-1:3");
            assertThat(checkout.newCalls()).isEqualTo(1);
        });
    }

    @Test
    void oldPathAnswersTheSameCallWhenTheNewPathThrows() {
        runner.run(context -> {
            Checkout checkout = context.getBean(Checkout.class);
            checkout.breakNewPaths();

            assertThat(checkout.checkoutV2("user-1", 3)).isEqualTo("v1:user-1:3");
            assertThat(checkout.newCalls()).isEqualTo(1);
        });
    }

    @Test
    void rolledBackFeatureNoLongerRunsTheNewPath() {
        runner.run(context -> {
            Checkout checkout = context.getBean(Checkout.class);
            context.getBean(RollbackRegistry.class).find("checkout-v2").orElseThrow().rollback("by hand");

            assertThat(checkout.checkoutV2("user-1", 3)).isEqualTo("v1:user-1:3");
            assertThat(checkout.newCalls()).isZero();
        });
    }

    @Test
    void createsTheGuardOfEveryAnnotatedFeatureAtStartUp() {
        runner.run(context -> {
            RollbackRegistry registry = context.getBean(RollbackRegistry.class);
            assertThat(registry.find("checkout-v2")).isPresent();
            assertThat(registry.find("receipt-v2")).isPresent();
            assertThat(registry.health().features()).extracting(FeatureHealth::feature)
                    .containsExactly("checkout-v2", "export-v2", "receipt-v2");
        });
    }

    @Test
    void asksTheRegistryForEachGuardOnceAtStartUpAndNotPerCall() {
        RollbackRegistry real = RollbackRegistry.builder().build();
        List<String> asked = new CopyOnWriteArrayList<>();
        RollbackRegistry counting = (RollbackRegistry) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RollbackRegistry.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("guard")) {
                        asked.add((String) arguments[0]);
                    }
                    try {
                        return method.invoke(real, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        runner.withBean(RollbackRegistry.class, () -> counting).run(context -> {
            List<String> atStartUp = List.copyOf(asked);
            Checkout checkout = context.getBean(Checkout.class);
            for (int i = 0; i < 5; i++) {
                checkout.checkoutV2("user-" + i, i);
            }

            assertThat(atStartUp).containsExactlyInAnyOrder("checkout-v2", "export-v2", "receipt-v2");
            assertThat(asked).isEqualTo(atStartUp);
            long guarded = real.meterRegistry().get(RollbackMetricNames.CALLS)
                    .tag(RollbackMetricNames.TAG_FEATURE, "checkout-v2").timers().stream()
                    .mapToLong(Timer::count).sum();
            assertThat(guarded).as("calls through the guard").isEqualTo(5);
        });
        real.close();
    }

    @Test
    void featureWithoutFallbackAlwaysRunsAndItsExceptionReachesTheCaller() {
        runner.withPropertyValues("rollback.features.receipt-v2.rollout=0").run(context -> {
            Checkout checkout = context.getBean(Checkout.class);
            assertThat(checkout.receiptV2("order-1")).isEqualTo("receipt:order-1");

            checkout.breakNewPaths();

            assertThatThrownBy(() -> checkout.receiptV2("order-1")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("receipt v2 is broken");
        });
    }

    @Test
    void checkedExceptionOfTheNewPathIsAnsweredByTheOldPathAndReachesTheCallerUnwrappedWhenBothThrow() {
        runner.run(context -> {
            Checkout checkout = context.getBean(Checkout.class);
            checkout.breakNewPaths();
            assertThat(checkout.exportV2("order-1")).isEqualTo("export-v1:order-1");

            checkout.breakOldPaths();

            assertThatThrownBy(() -> checkout.exportV2("order-1")).isExactlyInstanceOf(IOException.class)
                    .hasMessage("export v1 is broken");
        });
    }

    @Test
    void stickinessKeyIsTheAnnotatedParameter() {
        RecordingFlagSource flags = new RecordingFlagSource();
        runner.withBean(FlagSource.class, () -> flags).run(context -> {
            context.getBean(Checkout.class).checkoutV2("user-7", 1);

            assertThat(flags.keys).containsExactly("checkout-v2=user-7");
        });
    }

    @Test
    void stickinessKeyComesFromTheResolverBeanWithoutAnAnnotatedParameter() {
        RecordingFlagSource flags = new RecordingFlagSource();
        RollbackKeyResolver resolver = (feature, method, arguments) -> feature + "/" + method.getName() + "/" + arguments[0];
        runner.withBean(FlagSource.class, () -> flags).withBean(RollbackKeyResolver.class, () -> resolver)
                .run(context -> {
                    Checkout checkout = context.getBean(Checkout.class);
                    checkout.exportV2("order-9");
                    checkout.checkoutV2("user-7", 1);

                    assertThat(flags.keys).containsExactly("export-v2=export-v2/exportV2/order-9", "checkout-v2=user-7");
                });
    }

    /** A bean with a feature of each kind. Tests reach its state through methods: they hold its proxy. */
    static class Checkout {

        final AtomicBoolean broken = new AtomicBoolean();
        final AtomicBoolean oldBroken = new AtomicBoolean();
        final AtomicInteger newCalls = new AtomicInteger();

        public void breakNewPaths() {
            broken.set(true);
        }

        public void breakOldPaths() {
            oldBroken.set(true);
        }

        public int newCalls() {
            return newCalls.get();
        }

        @Rollbackable(value = "checkout-v2", fallbackMethod = "checkoutV1")
        public String checkoutV2(@RollbackKey String user, int items) {
            newCalls.incrementAndGet();
            if (broken.get()) {
                throw new IllegalStateException("checkout v2 is broken");
            }
            return "v2:" + user + ":" + items;
        }

        private String checkoutV1(String user, int items) {
            return "v1:" + user + ":" + items;
        }

        @Rollbackable("receipt-v2")
        public String receiptV2(String order) {
            if (broken.get()) {
                throw new IllegalStateException("receipt v2 is broken");
            }
            return "receipt:" + order;
        }

        @Rollbackable(value = "export-v2", fallbackMethod = "exportV1")
        public String exportV2(String order) throws IOException {
            if (broken.get()) {
                throw new IOException("export v2 is broken");
            }
            return "export-v2:" + order;
        }

        String exportV1(String order) throws IOException {
            if (oldBroken.get()) {
                throw new IOException("export v1 is broken");
            }
            return "export-v1:" + order;
        }
    }

    /** Puts every call on the new path and remembers each call's key. */
    static final class RecordingFlagSource implements FlagSource {

        final List<String> keys = new CopyOnWriteArrayList<>();

        @Override
        public boolean isEnabled(String feature, String stickinessKey) {
            keys.add(feature + "=" + stickinessKey);
            return true;
        }
    }
}
