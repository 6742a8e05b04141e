package dev.rollback.spring.autoconfigure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.flags.UnleashFlagSource;
import dev.rollback.flags.UnleashFlagSubscriber;
import dev.rollback.flags.UnleashKillSwitch;
import io.getunleash.FakeUnleash;
import io.getunleash.Unleash;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Unleash is the flag source only when rollback-flags, the client and a client or its URL are there. */
class RollbackUnleashAutoConfigurationTest {

    @RegisterExtension
    static final WireMockExtension UNLEASH = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RollbackUnleashAutoConfiguration.class,
                    RollbackAutoConfiguration.class));

    private final ApplicationContextRunner withUnleashBean = runner
            .withBean(UnleashFlagSubscriber.class, UnleashFlagSubscriber::new)
            .withBean(Unleash.class, FakeUnleash::new);

    @Test
    void wiresTheFlagSourceOnTheApplicationsUnleashBean() {
        withUnleashBean.run(context -> {
            assertThat(context.getBean(FlagSource.class)).isInstanceOf(UnleashFlagSource.class);
            FakeUnleash unleash = (FakeUnleash) context.getBean(Unleash.class);
            FlagSource flags = context.getBean(FlagSource.class);
            assertThat(flags.isEnabled("checkout-v2", "user-1")).isFalse();
            unleash.enable("payments-v2");
            assertThat(flags.isEnabled("payments-v2", "user-1")).isTrue();
            assertThat(context).doesNotHaveBean(UnleashKillSwitch.class);
        });
    }

    @Test
    void backsOffWithoutRollbackFlags() {
        withUnleashBean.withClassLoader(new FilteredClassLoader(UnleashFlagSource.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(UnleashKillSwitch.class);
            assertThat(context.getBean(FlagSource.class)).isInstanceOf(PropertiesFlagSource.class);
        });
    }

    @Test
    void backsOffWithoutTheUnleashClient() {
        runner.withClassLoader(new FilteredClassLoader("io.getunleash"))
                .withPropertyValues("rollback.unleash.url=http://127.0.0.1:1/api/")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(FlagSource.class)).isInstanceOf(PropertiesFlagSource.class);
                });
    }

    @Test
    void backsOffWithoutAnUnleashBeanOrUrl() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(Unleash.class);
            assertThat(context.getBean(FlagSource.class)).isInstanceOf(PropertiesFlagSource.class);
        });
    }

    @Test
    void backsOffWhenUnleashIsDisabled() {
        withUnleashBean.withPropertyValues("rollback.unleash.enabled=false").run(context ->
                assertThat(context.getBean(FlagSource.class)).isInstanceOf(PropertiesFlagSource.class));
    }

    @Test
    void backsOffForAUserDefinedFlagSource() {
        FlagSource own = FlagSource.allEnabled();
        withUnleashBean.withBean("own", FlagSource.class, () -> own).run(context ->
                assertThat(context.getBean(FlagSource.class)).isSameAs(own));
    }

    @Test
    void refusesAnUnleashBeanWithoutItsSubscriber() {
        runner.withBean(Unleash.class, FakeUnleash::new).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new RollbackFailureAnalyzers.InvalidProperty()
                    .analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("no UnleashFlagSubscriber bean")
                    .contains("rollback.unleash.enabled=false");
        });
    }

    @Test
    void createsTheClientFromPropertiesWithTheSubscriberSoThatChangedTogglesReachTheFlagSource() {
        UNLEASH.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        stubToggles(true);
        runner.withPropertyValues("rollback.unleash.url=" + UNLEASH.baseUrl() + "/api/",
                        "rollback.unleash.client-token=default:development.secret",
                        "rollback.unleash.fetch-interval=1s",
                        "rollback.unleash.synchronous-fetch-on-initialisation=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(Unleash.class).hasSingleBean(UnleashFlagSubscriber.class);
                    FlagSource flags = context.getBean(FlagSource.class);
                    assertThat(flags).isInstanceOf(UnleashFlagSource.class);
                    assertThat(flags.isEnabled("checkout-v2", "user-1")).isTrue();

                    stubToggles(false);

                    // The decision for user-1 is cached; only the subscriber's news of the fetch drops it.
                    await().atMost(Duration.ofSeconds(10)).until(() -> !flags.isEnabled("checkout-v2", "user-1"));
                });
        UNLEASH.verify(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo("/api/client/features")).withHeader("Authorization",
                equalTo("default:development.secret")));
    }

    @Test
    void killSwitchTurnsARolledBackFeatureOffThroughTheAdminApi() {
        UNLEASH.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        stubToggles(true);
        runner.withPropertyValues("rollback.unleash.url=" + UNLEASH.baseUrl() + "/api/",
                        "rollback.unleash.kill-switch.token=*:*.admin-secret",
                        "rollback.unleash.kill-switch.environment=production")
                .run(context -> {
                    assertThat(context).hasSingleBean(UnleashKillSwitch.class);
                    context.getBean(RollbackRegistry.class).guard("checkout-v2").rollback("broken");

                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> UNLEASH.verify(postRequestedFor(
                            urlEqualTo("/api/admin/projects/default/features/checkout-v2/environments/production/off"))
                            .withHeader("Authorization", equalTo("*:*.admin-secret"))));
                });
    }

    @Test
    void killSwitchWithoutEnvironmentFailsNamingTheProperty() {
        withUnleashBean.withPropertyValues("rollback.unleash.kill-switch.token=*:*.admin-secret",
                        "rollback.unleash.kill-switch.admin-url=https://unleash.example.com")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new RollbackFailureAnalyzers.InvalidProperty()
                            .analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription())
                            .contains("'rollback.unleash.kill-switch.environment'")
                            .doesNotContain("admin-secret");
                });
    }

    private static void stubToggles(boolean enabled) {
        UNLEASH.stubFor(get(urlPathEqualTo("/api/client/features")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"version\":2,\"features\":[{\"name\":\"checkout-v2\",\"enabled\":" + enabled
                        + ",\"strategies\":[{\"name\":\"default\"}]}]}")));
    }
}
