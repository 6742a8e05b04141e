package dev.rollback.agent.request;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where revert requests are kept, so that the queue survives a restart of the agent.
 * Implementations are safe for use from several threads.
 */
public interface RequestStore extends AutoCloseable {

    /**
     * Adds a request, unless its deduplication key was seen before (then nothing changes), or the
     * service already has a queued or running request (then the key, if any, is remembered for
     * that request and nothing else changes). Atomic.
     *
     * @param request  a queued request
     * @param dedupeKey a key that identifies the request's source event, or {@code null}
     * @return what happened
     */
    Submission submit(RevertRequest request, String dedupeKey);

    /**
     * Returns a request.
     *
     * @param id the id
     * @return the request, or empty
     */
    Optional<RevertRequest> find(String id);

    /**
     * Returns the requests in a state, oldest first.
     *
     * @param state the state
     * @return the requests
     */
    List<RevertRequest> inState(RequestState state);

    /**
     * Returns the latest requests, newest first.
     *
     * @param limit how many at most
     * @return the requests
     */
    List<RevertRequest> latest(int limit);

    /**
     * Moves a queued request to running.
     *
     * @param id the id
     * @param at when
     * @return {@code false} if it was not queued (e.g. cancelled meanwhile)
     */
    boolean start(String id, Instant at);

    /**
     * Keeps the plan of a running request.
     *
     * @param id   the id
     * @param plan the plan
     */
    void plan(String id, RevertPlan plan);

    /**
     * Ends a running request; its ledger record is then due.
     *
     * @param id     the id
     * @param state  a terminal state
     * @param at     when
     * @param detail how it ended
     */
    void finish(String id, RequestState state, Instant at, String detail);

    /**
     * Notes that an ended request's ledger record is written.
     *
     * @param id the id
     */
    void recorded(String id);

    /**
     * Returns the ended requests whose ledger record is due, oldest first.
     *
     * @return the requests
     */
    List<RevertRequest> unrecorded();

    /**
     * Cancels a queued request.
     *
     * @param id the id
     * @param at when
     * @return {@code false} if it was not queued
     */
    boolean cancel(String id, Instant at);

    /**
     * Returns when the service's last revert that ran ended, for its cool-down.
     *
     * @param service the service
     * @return the time, or empty if none ran
     */
    Optional<Instant> lastFinished(String service);

    /**
     * Forgets deduplication keys seen before a time.
     *
     * @param before the time
     * @return how many were forgotten
     */
    int forgetKeysBefore(Instant before);

    /** Releases the store's connection. */
    @Override
    void close();
}
