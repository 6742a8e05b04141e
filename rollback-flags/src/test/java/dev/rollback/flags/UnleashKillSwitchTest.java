package dev.rollback.flags;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link UnleashKillSwitch} against WireMock standing in for the Unleash admin API, for what a real
 * server will not do on demand: fail, stall, refuse the token, echo garbage.
 */
class UnleashKillSwitchTest {

    private static final String TOKEN = "secret-token-123";
    /**
     * Long enough that no request times out by accident on a loaded machine (the first one in the JVM
     * takes a while); the tests about timeouts set a short one.
     */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
    private static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(5);
    private static final String OFF_PATHS = "/api/admin/projects/.*/features/.*/environments/.*/off";

    @RegisterExtension
    static final WireMockExtension admin = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private static String adminUrl() {
        return "http://127.0.0.1:" + admin.getPort();
    }

    private static String offPath(String flag) {
        return "/api/admin/projects/default/features/" + flag + "/environments/production/off";
    }

    private static UnleashKillSwitchConfig.Builder config() {
        return UnleashKillSwitchConfig.custom()
                .adminUrl(adminUrl())
                .token(TOKEN)
                .environment("production")
                .requestTimeout(REQUEST_TIMEOUT)
                .maxAttempts(3)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(50));
    }

    private UnleashKillSwitch killSwitch(UnleashKillSwitchConfig config) {
        UnleashKillSwitch killSwitch = new UnleashKillSwitch(config);
        toClose.add(killSwitch);
        return killSwitch;
    }

    private static KillSwitchEvent outcome(CompletableFuture<KillSwitchEvent> future)
            throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(OUTCOME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static int offRequests() {
        return admin.countRequestsMatching(postRequestedFor(urlPathMatching(OFF_PATHS)).build()).getCount();
    }

    /** No retry can still be on its way: none arrives during several backoffs. */
    private static void assertOffRequestsStay(int expected) {
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(offRequests()).isEqualTo(expected));
    }

    // One request

    @Test
    void turnsTheFlagOffWithOnePostCarryingTheToken() throws Exception {
        admin.stubFor(post(urlEqualTo(offPath("checkout-v2"))).withHeader("Authorization", equalTo(TOKEN))
                .willReturn(aResponse().withStatus(200)));

        KillSwitchEvent event = outcome(killSwitch(config().build()).turnOff("checkout-v2"));

        assertThat(event.feature()).isEqualTo("checkout-v2");
        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.TURNED_OFF);
        assertThat(event.attempts()).isEqualTo(1);
        assertThat(event.httpStatus()).isEqualTo(200);
        assertThat(event.detail()).contains("checkout-v2", "default", "production");
        admin.verify(1, postRequestedFor(urlEqualTo(offPath("checkout-v2")))
                .withHeader("Authorization", equalTo(TOKEN)));
        assertThat(admin.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void usesTheConfiguredProjectAndEnvironmentInThePath() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));

        outcome(killSwitch(config().project("payments").environment("staging").build()).turnOff("refunds-v2"));

        admin.verify(1, postRequestedFor(
                urlEqualTo("/api/admin/projects/payments/features/refunds-v2/environments/staging/off")));
    }

    @Test
    void encodesFlagNamesThatNeedItInThePath() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        UnleashKillSwitch killSwitch = killSwitch(config().build());

        KillSwitchEvent event = outcome(killSwitch.turnOff("checkout v2?beta=1&x#y+zü"));

        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.TURNED_OFF);
        List<LoggedRequest> requests = admin.findAll(postRequestedFor(anyUrl()));
        assertThat(requests).extracting(LoggedRequest::getUrl)
                .containsExactly(offPath("checkout%20v2%3Fbeta%3D1%26x%23y%2Bz%C3%BC"));
    }

    // Retries

    @Test
    void retriesServerErrorsWithGrowingBackoffThenSucceeds() throws Exception {
        String scenario = "two failures";
        admin.stubFor(post(urlEqualTo(offPath("checkout-v2"))).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("failed once")
                .willReturn(aResponse().withStatus(500).withBody("boom")));
        admin.stubFor(post(urlEqualTo(offPath("checkout-v2"))).inScenario(scenario)
                .whenScenarioStateIs("failed once").willSetStateTo("failed twice")
                .willReturn(aResponse().withStatus(500).withBody("boom")));
        admin.stubFor(post(urlEqualTo(offPath("checkout-v2"))).inScenario(scenario)
                .whenScenarioStateIs("failed twice")
                .willReturn(aResponse().withStatus(200)));
        UnleashKillSwitch killSwitch = killSwitch(config().maxAttempts(6)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1)).build());

        KillSwitchEvent event = outcome(killSwitch.turnOff("checkout-v2"));

        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.TURNED_OFF);
        assertThat(event.attempts()).isEqualTo(3);
        assertThat(event.httpStatus()).isEqualTo(200);
        List<LoggedRequest> requests = admin.findAll(postRequestedFor(urlEqualTo(offPath("checkout-v2"))));
        assertThat(requests).hasSize(3);
        long firstPause = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        long secondPause = requests.get(2).getLoggedDate().getTime() - requests.get(1).getLoggedDate().getTime();
        // Logged dates have millisecond resolution, hence one millisecond of slack.
        assertThat(firstPause).as("pause after the first failure").isGreaterThanOrEqualTo(49);
        assertThat(secondPause).as("pause after the second failure, doubled").isGreaterThanOrEqualTo(99);
    }

    @Test
    void givesUpAfterMaxAttemptsOfServerErrorsWithTheLastStatus() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(503).withBody("maintenance")));

        KillSwitchEvent event = outcome(killSwitch(config().maxAttempts(3).build()).turnOff("checkout-v2"));

        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.FAILED);
        assertThat(event.attempts()).isEqualTo(3);
        assertThat(event.httpStatus()).isEqualTo(503);
        assertThat(event.detail()).contains("checkout-v2", "3 attempt(s)", "HTTP 503", "maintenance");
        assertOffRequestsStay(3);
    }

    @Test
    void countsASlowResponseAsATimeoutAndRetriesIt() throws Exception {
        String scenario = "slow once";
        admin.stubFor(post(anyUrl()).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("was slow")
                .willReturn(aResponse().withStatus(200).withFixedDelay(2_000)));
        admin.stubFor(post(anyUrl()).inScenario(scenario).whenScenarioStateIs("was slow")
                .willReturn(aResponse().withStatus(200)));

        KillSwitchEvent event = outcome(killSwitch(config().requestTimeout(SHORT_TIMEOUT).maxAttempts(3).build())
                .turnOff("checkout-v2"));

        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.TURNED_OFF);
        assertThat(event.attempts()).isEqualTo(2);
        assertThat(offRequests()).isEqualTo(2);
    }

    @Test
    void reportsTimeoutsWithoutAStatusWhenEveryAttemptIsTooSlow() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(2_000)));

        KillSwitchEvent event = outcome(killSwitch(config().requestTimeout(SHORT_TIMEOUT).maxAttempts(2).build())
                .turnOff("checkout-v2"));

        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.FAILED);
        assertThat(event.attempts()).isEqualTo(2);
        assertThat(event.httpStatus()).isZero();
        assertThat(event.detail()).contains("timed out");
    }

    @Test
    void retriesARefusedConnectionAndReportsItWithoutAStatus() throws Exception {
        UnleashKillSwitch killSwitch = killSwitch(config().adminUrl("http://127.0.0.1:1").maxAttempts(2).build());

        KillSwitchEvent event = outcome(killSwitch.turnOff("checkout-v2"));

        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.FAILED);
        assertThat(event.attempts()).isEqualTo(2);
        assertThat(event.httpStatus()).isZero();
        assertThat(event.detail()).contains("2 attempt(s)");
    }

    // Answers that are not retried

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void reportsARefusedTokenAfterOneRequestAndNeverRetriesIt(int status) throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(status).withBody("no")));
        UnleashKillSwitch killSwitch = killSwitch(config().maxAttempts(6).build());

        KillSwitchEvent first = outcome(killSwitch.turnOff("checkout-v2"));

        assertThat(first.outcome()).isEqualTo(KillSwitchEvent.Outcome.UNAUTHORIZED);
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.httpStatus()).isEqualTo(status);
        assertThat(first.detail()).contains("HTTP " + status, "checkout-v2", "token").doesNotContain(TOKEN);
        assertOffRequestsStay(1);

        KillSwitchEvent second = outcome(killSwitch.turnOff("search-v2"));

        assertThat(second.outcome()).isEqualTo(KillSwitchEvent.Outcome.UNAUTHORIZED);
        assertThat(second.attempts()).isEqualTo(1);
        assertOffRequestsStay(2);
        admin.verify(1, postRequestedFor(urlEqualTo(offPath("checkout-v2"))));
        admin.verify(1, postRequestedFor(urlEqualTo(offPath("search-v2"))));
    }

    @Test
    void reportsAnUnknownFlagAsNotFoundAfterOneRequest() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(404).withBody("{\"message\":\"no flag\"}")));

        KillSwitchEvent event = outcome(killSwitch(config().maxAttempts(6).build()).turnOff("checkout-v2"));

        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.NOT_FOUND);
        assertThat(event.attempts()).isEqualTo(1);
        assertThat(event.httpStatus()).isEqualTo(404);
        assertThat(event.detail()).contains("checkout-v2", "no flag");
        assertOffRequestsStay(1);
    }

    @Test
    void reportsAnotherClientErrorAsFailedAfterOneRequest() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(400).withBody("bad request")));

        KillSwitchEvent event = outcome(killSwitch(config().maxAttempts(6).build()).turnOff("checkout-v2"));

        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.FAILED);
        assertThat(event.attempts()).isEqualTo(1);
        assertThat(event.httpStatus()).isEqualTo(400);
        assertThat(event.detail()).contains("HTTP 400", "bad request");
        assertOffRequestsStay(1);
    }

    @Test
    void keepsALongOrMultiLineBodyOutOfTheDetailButItsStart() throws Exception {
        String garbage = "line one\n\n\tline two " + "x".repeat(5_000);
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(400).withBody(garbage)));

        KillSwitchEvent event = outcome(killSwitch(config().build()).turnOff("checkout-v2"));

        assertThat(event.detail()).contains("line one line two xxx").doesNotContain("\n").hasSizeLessThan(600);
    }

    // Concurrency

    @Test
    void letsASecondRequestForTheSameFlagJoinTheOneUnderWay() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(300)));
        UnleashKillSwitch killSwitch = killSwitch(config().build());

        CompletableFuture<KillSwitchEvent> first = killSwitch.turnOff("checkout-v2");
        CompletableFuture<KillSwitchEvent> second = killSwitch.turnOff("checkout-v2");

        assertThat(second).isSameAs(first);
        assertThat(outcome(second).outcome()).isEqualTo(KillSwitchEvent.Outcome.TURNED_OFF);
        assertThat(offRequests()).isEqualTo(1);

        // Once it is done, a new rollback sends a new request.
        assertThat(outcome(killSwitch.turnOff("checkout-v2")).attempts()).isEqualTo(1);
        assertThat(offRequests()).isEqualTo(2);
    }

    @Test
    void sharesOneRequestSequenceAmongConcurrentCallersAcrossRetries() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(503)));
        // Pauses long enough that every caller arrives while the sequence is under way.
        UnleashKillSwitch killSwitch = killSwitch(config().maxAttempts(3)
                .backoff(Duration.ofMillis(200), Duration.ofMillis(200)).build());

        List<CompletableFuture<KillSwitchEvent>> futures = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                futures.add(killSwitch.turnOff("checkout-v2"));
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(futures).hasSize(8).allSatisfy(f -> assertThat(f).isSameAs(futures.get(0)));
        assertThat(outcome(futures.get(0)).outcome()).isEqualTo(KillSwitchEvent.Outcome.FAILED);
        assertThat(outcome(futures.get(0)).attempts()).isEqualTo(3);
        assertOffRequestsStay(3);
    }

    // With a registry

    @Test
    void turnsTheFlagOffWhenAGuardRollsItsFeatureBackAndReportsThroughTheRegistry() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        RollbackRegistry registry = RollbackRegistry.builder().ledger(ledger).service("checkout", "1.4.0").build();
        killSwitch(config().build()).attachTo(registry);
        List<KillSwitchEvent> published = killSwitchEventsOf(registry);

        registry.guard("checkout-v2").rollback("wrong totals");

        await().atMost(OUTCOME_TIMEOUT).untilAsserted(() -> assertThat(published).singleElement()
                .satisfies(k -> {
                    assertThat(k.feature()).isEqualTo("checkout-v2");
                    assertThat(k.outcome()).isEqualTo(KillSwitchEvent.Outcome.TURNED_OFF);
                }));
        admin.verify(1, postRequestedFor(urlEqualTo(offPath("checkout-v2"))));
        String deployment = registry.deployment().id();
        registry.close(); // ledger writes are asynchronous; close flushes them
        // One rollback, one record: the kill switch's outcome is that record's.
        assertThat(ledger.rollbacks(deployment))
                .extracting(RollbackRecord::feature, RollbackRecord::scope, RollbackRecord::actor,
                        RollbackRecord::outcome)
                .containsExactly(tuple("checkout-v2", RollbackScope.FEATURE, "manual", RollbackOutcome.SUCCEEDED));
    }

    @Test
    void recordsAFailedKillSwitchAsTheOutcomeOfTheRollbacksOneRecord() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(403)));
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        RollbackRegistry registry = RollbackRegistry.builder().ledger(ledger).build();
        killSwitch(config().build()).attachTo(registry);
        List<KillSwitchEvent> published = killSwitchEventsOf(registry);

        registry.guard("checkout-v2").rollback("wrong totals");
        await().atMost(OUTCOME_TIMEOUT).until(() -> !published.isEmpty());
        String deployment = registry.deployment().id();
        registry.close();

        assertThat(ledger.rollbacks(deployment)).singleElement().satisfies(r -> {
            assertThat(r.actor()).isEqualTo(RollbackActors.MANUAL);
            assertThat(r.reason()).isEqualTo("wrong totals");
            assertThat(r.outcome()).isEqualTo(RollbackOutcome.FAILED);
        });
    }

    @Test
    void leavesTheFlagAloneWhenTheRollbackIsOfTheWholeInstance() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        RollbackRegistry registry = RollbackRegistry.builder().ledger(ledger).build();
        killSwitch(config().build()).attachTo(registry);
        List<RollbackEvent> rollbacks = new CopyOnWriteArrayList<>();
        List<KillSwitchEvent> killSwitchEvents = new CopyOnWriteArrayList<>();
        registry.getEventPublisher().onRollback(rollbacks::add).onEvent(e -> {
            if (e instanceof KillSwitchEvent k) {
                killSwitchEvents.add(k);
            }
        });
        ReleaseGuard schema = registry.guard("schema-v3");
        assertThat(schema.call(() -> "new path, no old one")).isEqualTo("new path, no old one");

        schema.rollback("migration broke reads");
        // A feature rollback afterwards, to know when the kill switch has had its chance to act on both.
        registry.guard("checkout-v2").rollback("wrong totals");
        await().atMost(OUTCOME_TIMEOUT).until(() -> !killSwitchEvents.isEmpty());

        assertThat(rollbacks).extracting(RollbackEvent::feature, RollbackEvent::scope)
                .containsExactly(tuple("schema-v3", RollbackScope.INSTANCE), tuple("checkout-v2", RollbackScope.FEATURE));
        assertThat(killSwitchEvents).extracting(KillSwitchEvent::feature).containsExactly("checkout-v2");
        assertThat(admin.findAll(postRequestedFor(anyUrl()))).extracting(LoggedRequest::getUrl)
                .containsExactly(offPath("checkout-v2"));
        String deployment = registry.deployment().id();
        registry.close();
        assertThat(ledger.rollbacks(deployment)).filteredOn(r -> r.outcome() != null)
                .extracting(RollbackRecord::feature).containsExactly("checkout-v2");
    }

    /** Collects the kill switch events that {@code registry} publishes from now on. */
    private static List<KillSwitchEvent> killSwitchEventsOf(RollbackRegistry registry) {
        List<KillSwitchEvent> published = new CopyOnWriteArrayList<>();
        registry.getEventPublisher().onEvent(e -> {
            if (e instanceof KillSwitchEvent k) {
                published.add(k);
            }
        });
        return published;
    }

    // Closing

    @Test
    void answersARequestWaitingOnBackoffAsFailedPromptlyWhenClosed() throws Exception {
        String scenario = "would succeed on retry";
        admin.stubFor(post(anyUrl()).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("failed once").willReturn(aResponse().withStatus(503)));
        admin.stubFor(post(anyUrl()).inScenario(scenario).whenScenarioStateIs("failed once")
                .willReturn(aResponse().withStatus(200)));
        UnleashKillSwitch killSwitch = new UnleashKillSwitch(config().requestTimeout(SHORT_TIMEOUT).maxAttempts(5)
                .backoff(Duration.ofSeconds(20), Duration.ofSeconds(20)).build());
        CompletableFuture<KillSwitchEvent> future = killSwitch.turnOff("checkout-v2");
        await().atMost(OUTCOME_TIMEOUT).until(() -> offRequests() == 1);

        assertTimeoutPreemptively(Duration.ofSeconds(3), killSwitch::close);

        assertThat(future).isDone();
        KillSwitchEvent event = outcome(future);
        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.FAILED);
        assertThat(event.detail()).contains("checkout-v2");
        assertOffRequestsStay(1);
    }

    @Test
    void answersFailedWithoutARequestOnceClosed() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        UnleashKillSwitch killSwitch = new UnleashKillSwitch(config().build());
        killSwitch.close();

        KillSwitchEvent event = outcome(killSwitch.turnOff("checkout-v2"));

        assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.FAILED);
        assertThat(event.attempts()).isZero();
        assertThat(event.detail()).contains("closed", "checkout-v2");
        assertThat(offRequests()).isZero();
    }

    @Test
    void rejectsAnInvalidFeatureName() {
        UnleashKillSwitch killSwitch = killSwitch(config().build());

        assertThatThrownBy(() -> killSwitch.turnOff(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature name");
        assertThat(offRequests()).isZero();
    }

    // The token is a secret

    @Test
    void keepsTheTokenOutOfToString() {
        UnleashKillSwitchConfig config = config().build();

        assertThat(config.toString()).doesNotContain(TOKEN).contains("****", adminUrl(), "production");
        assertThat(killSwitch(config).toString()).doesNotContain(TOKEN);
    }

    @Test
    void keepsTheTokenOutOfEveryDetailWhenTheServerEchoesGarbage() throws Exception {
        String echo = "{\"error\":\"bad token\",\"authorization\":\"" + TOKEN + "\"}\n\u0000\u00ff garbage";
        List<KillSwitchEvent> events = new ArrayList<>();
        UnleashKillSwitch killSwitch = killSwitch(config().maxAttempts(2).build());
        int[] statuses = {400, 401, 403, 404, 409, 500, 503};
        for (int status : statuses) {
            admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(status).withBody(echo)));
            events.add(outcome(killSwitch.turnOff("flag-" + status)));
        }

        assertThat(events).hasSize(statuses.length).allSatisfy(e -> assertThat(e.toString()).doesNotContain(TOKEN));
    }

    @Test
    void keepsTheTokenOutOfTheLedgerWhenTheServerEchoesIt() throws Exception {
        admin.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(404).withBody("no flag for " + TOKEN)));
        InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
        RollbackRegistry registry = RollbackRegistry.builder().ledger(ledger).build();
        UnleashKillSwitch killSwitch = killSwitch(config().build()).attachTo(registry);

        outcome(killSwitch.turnOff("checkout-v2"));
        String deployment = registry.deployment().id();
        registry.close();

        assertThat(ledger.rollbacks(deployment)).singleElement().satisfies(r -> {
            assertThat(r.actor()).isEqualTo(RollbackActors.UNLEASH_KILL_SWITCH);
            assertThat(r.outcome()).isEqualTo(RollbackOutcome.FAILED);
            assertThat(r.reason()).contains("checkout-v2").doesNotContain(TOKEN);
        });
    }

    @Test
    void rejectsATokenThatIsNoValidHeaderValueWithoutShowingIt() {
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().token(TOKEN + "\u0007"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token")
                .hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().token("secret\ntoken-123"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("token-123");
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().token(TOKEN + "\u0416"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(TOKEN);
    }

    // Configuration

    @Test
    void requiresAdminUrlTokenAndEnvironmentNamingWhatIsMissing() {
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().token(TOKEN).environment("production").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("adminUrl");
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().adminUrl(adminUrl()).environment("production").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("token");
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().adminUrl(adminUrl()).token(TOKEN).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("environment");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"ftp://x", "not a url", "", "unleash.example.com", "http://", "mailto:ops@example.com"})
    void rejectsAnAdminUrlThatIsNoAbsoluteHttpUrlNamingIt(String url) {
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().adminUrl(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("adminUrl")
                .hasMessageContaining(url == null ? "null" : "'" + url + "'");
    }

    @Test
    void dropsATrailingSlashOfTheAdminUrl() {
        UnleashKillSwitchConfig config = config().adminUrl(adminUrl() + "/").build();

        assertThat(config.adminUrl().toString()).isEqualTo(adminUrl());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\t"})
    void rejectsABlankToken(String token) {
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().token(token))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "a/b", " production"})
    void rejectsAnEnvironmentOrProjectThatIsNoNameNamingIt(String name) {
        String shown = name == null ? "null" : "'" + name + "'";
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().environment(name))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("environment").hasMessageContaining(shown);
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().project(name))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project").hasMessageContaining(shown);
    }

    @Test
    void rejectsDurationsThatAreNotPositiveNamingThem() {
        UnleashKillSwitchConfig.Builder b = UnleashKillSwitchConfig.custom();
        Duration ms = Duration.ofMillis(10);

        assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestTimeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.requestTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestTimeout").hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> b.requestTimeout(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestTimeout").hasMessageContaining("null");
        assertThatThrownBy(() -> b.backoff(Duration.ZERO, ms)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialBackoff").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.backoff(ms, Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBackoff").hasMessageContaining("PT-0.005S");
        assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBackoff").hasMessageContaining("PT1S").hasMessageContaining("PT2S");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void rejectsFewerThanOneAttemptNamingTheValue(int attempts) {
        assertThatThrownBy(() -> UnleashKillSwitchConfig.custom().maxAttempts(attempts))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts").hasMessageContaining("was " + attempts);
    }

    @Test
    void startsFromDocumentedDefaults() {
        UnleashKillSwitchConfig config = UnleashKillSwitchConfig.custom().adminUrl(adminUrl()).token(TOKEN)
                .environment("production").build();

        assertThat(config.project()).isEqualTo(UnleashKillSwitchConfig.DEFAULT_PROJECT).isEqualTo("default");
        assertThat(config.requestTimeout()).isEqualTo(UnleashKillSwitchConfig.DEFAULT_REQUEST_TIMEOUT);
        assertThat(config.maxAttempts()).isEqualTo(UnleashKillSwitchConfig.DEFAULT_MAX_ATTEMPTS);
        assertThat(config.initialBackoff()).isEqualTo(UnleashKillSwitchConfig.DEFAULT_INITIAL_BACKOFF);
        assertThat(config.maxBackoff()).isEqualTo(UnleashKillSwitchConfig.DEFAULT_MAX_BACKOFF);
    }
}
