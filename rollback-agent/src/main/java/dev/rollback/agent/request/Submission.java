package dev.rollback.agent.request;

/**
 * What became of a submitted request.
 *
 * @param outcome what happened
 * @param request the request that stands for it: the new one, or the one it was merged into
 */
public record Submission(Outcome outcome, RevertRequest request) {

    /** What happened to a submitted request. */
    public enum Outcome {
        /** Queued as a new request. */
        QUEUED,
        /**
         * Merged into the service's request that is already queued or running: one revert per
         * service at a time.
         */
        MERGED,
        /** Seen before (same deduplication key); nothing changed. */
        DUPLICATE
    }
}
