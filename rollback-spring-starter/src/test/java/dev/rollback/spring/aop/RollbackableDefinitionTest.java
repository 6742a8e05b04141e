package dev.rollback.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.spring.RollbackKey;
import dev.rollback.spring.Rollbackable;
import dev.rollback.spring.autoconfigure.RollbackAutoConfiguration;
import dev.rollback.spring.autoconfigure.RollbackFailureAnalyzers;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Lazy;

/** A {@code @Rollbackable} method declared or used wrongly fails the start-up, naming bean and method. */
class RollbackableDefinitionTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RollbackAutoConfiguration.class));

    @Test
    void refusesAMissingFallback() {
        assertStartUpFails(MissingFallback.class, "Bean 'service': @Rollbackable method "
                + MissingFallback.class.getName() + ".checkoutV2(String) names fallbackMethod 'checkoutV1', but "
                + MissingFallback.class.getName() + " has no method checkoutV1(String).",
                "Correct fallbackMethod, or declare String checkoutV1(String) in MissingFallback");
    }

    @Test
    void suggestsTheClosestMethodWithTheRightParametersForAMisspelledFallback() {
        assertStartUpFails(MisspelledFallback.class, "has no method chekoutV1(String); did you mean 'checkoutV1'?",
                "Set fallbackMethod = \"checkoutV1\", or declare String chekoutV1(String) in MisspelledFallback");
    }

    @Test
    void refusesAFallbackWithOtherParametersNamingTheOnesItHas() {
        assertStartUpFails(OtherParameters.class, "has no method checkoutV1(String, int); it has checkoutV1(String),"
                + " with other parameters.", "Give the fallback the parameters checkoutV1(String, int)");
    }

    @Test
    void refusesAFallbackWithAnIncompatibleReturnType() {
        assertStartUpFails(OtherReturnType.class, ".checkoutV2(String) returns java.lang.String, but its fallback"
                + " checkoutV1(String) returns java.lang.Integer.", "Make checkoutV1(String) return String");
    }

    @Test
    void refusesTwoKeyParameters() {
        assertStartUpFails(TwoKeys.class, "has more than one @RollbackKey parameter (1 and 2)", "RollbackKeyResolver");
    }

    @Test
    void refusesAPrivateMethodNoProxyCanInterceptSayingItIsPrivate() {
        assertStartUpFails(PrivateMethod.class, ".checkoutV2(String) is private, so no proxy", "public");
    }

    @Test
    void refusesAFinalMethodSayingItIsFinal() {
        assertStartUpFails(FinalMethod.class, ".checkoutV2(String) is final, so no proxy", "not final");
    }

    @Test
    void refusesAStaticMethodSayingItIsStatic() {
        assertStartUpFails(StaticMethod.class, ".checkoutV2(String) is static, so no proxy", "not static");
    }

    @Test
    void refusesAnInvalidFeatureName() {
        assertStartUpFails(BlankFeature.class, "names an invalid feature", "valid feature name");
    }

    @Test
    void refusesABeanThatCallsItsOwnRollbackableMethod() {
        assertStartUpFails(SelfCall.class, SelfCall.class.getName() + " calls its own @Rollbackable method, which"
                + " bypasses the guard (a proxy sees only calls from outside the bean): placeOrder(String) calls"
                + " checkoutV2(String).", "Call the @Rollbackable method from another bean");
    }

    @Test
    void refusesABeanThatPassesItsOwnRollbackableMethodAsAMethodReference() {
        assertStartUpFails(SelfReference.class, "placeOrder(String) refers to checkoutV2(String)",
                "from another bean");
    }

    @Test
    void refusesASelfCallInALambda() {
        assertStartUpFails(SelfCallInLambda.class, "a lambda in placeOrder calls checkoutV2(String)",
                "from another bean");
    }

    @Test
    void startsWithSelfCallsWhenTheCheckIsTurnedOff() {
        runner.withBean("service", SelfCall.class).withPropertyValues("rollback.reject-self-invocation=false")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void acceptsCallsFromAnotherBean() {
        runner.withBean("service", Valid.class).withBean("caller", Caller.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Caller.class).placeOrder("user-1")).isEqualTo("v2:user-1");
                });
    }

    private void assertStartUpFails(Class<?> bean, String description, String action) {
        runner.withBean("service", bean).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new RollbackFailureAnalyzers.RollbackableDefinition()
                    .analyze(context.getStartupFailure());
            assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
            assertThat(analysis.getDescription()).startsWith("Bean 'service': ").contains(description);
            assertThat(analysis.getAction()).contains(action);
        });
    }

    static class MissingFallback {
        @Rollbackable(value = "checkout-v2", fallbackMethod = "checkoutV1")
        public String checkoutV2(String user) {
            return user;
        }
    }

    static class MisspelledFallback {
        @Rollbackable(value = "checkout-v2", fallbackMethod = "chekoutV1")
        public String checkoutV2(String user) {
            return user;
        }

        String checkoutV1(String user) {
            return user;
        }

        String checkoutV1(String user, int items) {
            return user + items;
        }
    }

    static class FinalMethod {
        @Rollbackable("checkout-v2")
        public final String checkoutV2(String user) {
            return user;
        }
    }

    static class StaticMethod {
        @Rollbackable("checkout-v2")
        public static String checkoutV2(String user) {
            return user;
        }
    }

    static class OtherParameters {
        @Rollbackable(value = "checkout-v2", fallbackMethod = "checkoutV1")
        public String checkoutV2(String user, int items) {
            return user;
        }

        String checkoutV1(String user) {
            return user;
        }
    }

    static class OtherReturnType {
        @Rollbackable(value = "checkout-v2", fallbackMethod = "checkoutV1")
        public String checkoutV2(String user) {
            return user;
        }

        Integer checkoutV1(String user) {
            return 1;
        }
    }

    static class TwoKeys {
        @Rollbackable("checkout-v2")
        public String checkoutV2(@RollbackKey String user, @RollbackKey String session) {
            return user;
        }
    }

    static class PrivateMethod {
        @Rollbackable("checkout-v2")
        private String checkoutV2(String user) {
            return user;
        }

        String use() {
            return checkoutV2("x");
        }
    }

    static class BlankFeature {
        @Rollbackable(" ")
        public String checkoutV2(String user) {
            return user;
        }
    }

    static class Valid {
        @Rollbackable(value = "checkout-v2", fallbackMethod = "checkoutV1")
        public String checkoutV2(String user) {
            return "v2:" + user;
        }

        String checkoutV1(String user) {
            return "v1:" + user;
        }
    }

    static class SelfCall extends Valid {
        public String placeOrder(String user) {
            return checkoutV2(user);
        }
    }

    static class SelfReference extends Valid {
        public String placeOrder(String user) {
            java.util.function.Function<String, String> checkout = this::checkoutV2;
            return checkout.apply(user);
        }
    }

    static class SelfCallInLambda extends Valid {
        public String placeOrder(String user) {
            Supplier<String> checkout = () -> checkoutV2(user);
            return checkout.get();
        }
    }

    static class Caller {
        private final Valid service;

        Caller(@Autowired @Qualifier("service") @Lazy Valid service) {
            this.service = service;
        }

        String placeOrder(String user) {
            return service.checkoutV2(user);
        }
    }
}
