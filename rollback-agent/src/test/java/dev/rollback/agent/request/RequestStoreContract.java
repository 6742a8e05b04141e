package dev.rollback.agent.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link JdbcRequestStore} database must do; each test uses services of its own. */
abstract class RequestStoreContract {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00.123456Z");

    protected JdbcRequestStore store;
    private String svc;

    protected abstract JdbcRequestStore open();

    /** Runs before the store is opened for a test, e.g. to skip when its server is unreachable. */
    protected void beforeOpen() {
        // Nothing by default.
    }

    @BeforeEach
    void openStore() {
        beforeOpen();
        store = open();
        svc = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private RevertRequest request(String service, Instant at) {
        return RevertRequest.queued(UUID.randomUUID().toString(), service, Trigger.ALERT, "why", "2.0.0", 3L, at);
    }

    @Test
    void keepsAQueuedRequestWithAllItsFields() {
        RevertRequest r = request(svc, T0);

        Submission s = store.submit(r, "group\nfp\nstart");

        assertThat(s.outcome()).isEqualTo(Submission.Outcome.QUEUED);
        assertThat(store.find(r.id())).contains(r);
        assertThat(store.inState(RequestState.QUEUED)).contains(r);
    }

    @Test
    void keepsTheNamespaceAnAlertNamed() {
        RevertRequest r = RevertRequest.queued(UUID.randomUUID().toString(), svc, Trigger.ALERT, "why", null, null,
                T0, "shop-canary");

        store.submit(r, null);

        assertThat(store.find(r.id())).map(RevertRequest::namespace).contains("shop-canary");
    }

    @Test
    void aSecondEventWithTheSameKeyIsADuplicate() {
        RevertRequest r = request(svc, T0);
        store.submit(r, "k-" + svc);

        Submission again = store.submit(request(svc, T0.plusSeconds(1)), "k-" + svc);

        assertThat(again.outcome()).isEqualTo(Submission.Outcome.DUPLICATE);
        assertThat(again.request().id()).isEqualTo(r.id());
        assertThat(store.latest(1000).stream().filter(x -> x.service().equals(svc))).hasSize(1);
    }

    @Test
    void aSecondRequestForAServiceWithAnActiveOneIsMergedAndItsKeyRemembered() {
        RevertRequest r = request(svc, T0);
        store.submit(r, null);
        store.start(r.id(), T0.plusSeconds(1));

        Submission merged = store.submit(request(svc, T0.plusSeconds(2)), "k2-" + svc);
        store.finish(r.id(), RequestState.SUCCEEDED, T0.plusSeconds(3), "ok");
        Submission later = store.submit(request(svc, T0.plusSeconds(4)), "k2-" + svc);

        assertThat(merged.outcome()).isEqualTo(Submission.Outcome.MERGED);
        assertThat(merged.request().id()).isEqualTo(r.id());
        assertThat(later.outcome()).isEqualTo(Submission.Outcome.DUPLICATE);
    }

    @Test
    void movesARequestThroughItsLifeAndKeepsItsPlan() {
        RevertRequest r = request(svc, T0);
        store.submit(r, null);

        assertThat(store.start(r.id(), T0.plusSeconds(1))).isTrue();
        assertThat(store.start(r.id(), T0.plusSeconds(1))).isFalse();
        store.plan(r.id(), new RevertPlan("revision 3 (a:2)", "revision 2 (a:1)", "checkout-abc"));
        store.finish(r.id(), RequestState.SUCCEEDED, T0.plusSeconds(5), "rolled back");

        RevertRequest done = store.find(r.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(done.plan()).isEqualTo(new RevertPlan("revision 3 (a:2)", "revision 2 (a:1)", "checkout-abc"));
        assertThat(done.startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(store.unrecorded()).extracting(RevertRequest::id).contains(r.id());
        assertThat(store.lastFinished(svc)).contains(T0.plusSeconds(5));

        store.recorded(r.id());
        assertThat(store.unrecorded()).extracting(RevertRequest::id).doesNotContain(r.id());
    }

    @Test
    void cancelsOnlyAQueuedRequest() {
        RevertRequest queued = request(svc, T0);
        store.submit(queued, null);
        RevertRequest other = request(svc + "-b", T0);
        store.submit(other, null);
        store.start(other.id(), T0);

        assertThat(store.cancel(queued.id(), T0.plusSeconds(1))).isTrue();
        assertThat(store.cancel(queued.id(), T0.plusSeconds(1))).isFalse();
        assertThat(store.cancel(other.id(), T0.plusSeconds(1))).isFalse();
        assertThat(store.find(queued.id()).orElseThrow().state()).isEqualTo(RequestState.CANCELLED);
        assertThat(store.lastFinished(svc)).isEmpty();
    }

    @Test
    void keepsThePlanOnlyOfARunningRequest() {
        RevertRequest r = request(svc, T0);
        store.submit(r, null);

        assertThatThrownBy(() -> store.plan(r.id(), new RevertPlan("a", "b", "c")))
                .isInstanceOf(StoreException.class).hasMessageContaining("not running");
    }

    @Test
    void forgetsOldKeys() {
        store.submit(request(svc, T0.minus(30, ChronoUnit.DAYS)), "old-" + svc);

        assertThat(store.forgetKeysBefore(T0.minus(7, ChronoUnit.DAYS))).isGreaterThanOrEqualTo(1);
        assertThat(store.submit(request(svc, T0), "old-" + svc).outcome()).isNotEqualTo(Submission.Outcome.DUPLICATE);
    }

    @Test
    void keepsEverythingWhenOpenedAgain() {
        RevertRequest r = request(svc, T0);
        store.submit(r, null);
        store.close();

        store = open();

        assertThat(store.find(r.id())).contains(r);
    }
}
