package dev.rollback.agent.throttle;

import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RequestStore;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Submission;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A store that passes every call on; tests override what they watch or break. */
class DelegatingStore implements RequestStore {

    protected final RequestStore delegate;

    DelegatingStore(RequestStore delegate) {
        this.delegate = delegate;
    }

    protected void before(String call) {
        // Nothing by default.
    }

    @Override
    public Submission submit(RevertRequest request, String dedupeKey) {
        before("submit");
        return delegate.submit(request, dedupeKey);
    }

    @Override
    public Optional<RevertRequest> find(String id) {
        before("find");
        return delegate.find(id);
    }

    @Override
    public List<RevertRequest> inState(RequestState state) {
        before("inState");
        return delegate.inState(state);
    }

    @Override
    public List<RevertRequest> latest(int limit) {
        before("latest");
        return delegate.latest(limit);
    }

    @Override
    public boolean start(String id, Instant at) {
        before("start");
        return delegate.start(id, at);
    }

    @Override
    public void plan(String id, RevertPlan plan) {
        before("plan");
        delegate.plan(id, plan);
    }

    @Override
    public void finish(String id, RequestState state, Instant at, String detail) {
        before("finish");
        delegate.finish(id, state, at, detail);
    }

    @Override
    public void recorded(String id) {
        before("recorded");
        delegate.recorded(id);
    }

    @Override
    public List<RevertRequest> unrecorded() {
        before("unrecorded");
        return delegate.unrecorded();
    }

    @Override
    public boolean cancel(String id, Instant at) {
        before("cancel");
        return delegate.cancel(id, at);
    }

    @Override
    public Optional<Instant> lastFinished(String service) {
        before("lastFinished");
        return delegate.lastFinished(service);
    }

    @Override
    public int forgetKeysBefore(Instant before) {
        before("forgetKeysBefore");
        return delegate.forgetKeysBefore(before);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
