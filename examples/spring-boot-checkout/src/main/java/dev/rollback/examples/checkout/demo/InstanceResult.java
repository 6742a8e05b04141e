package dev.rollback.examples.checkout.demo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Everything one run of the instance scenario saw, for the summary, the report and the exit status.
 *
 * @param answers         the client's answers: when each request was sent, in milliseconds since the
 *                        traffic started, and its outcome ({@code release 2}, {@code HTTP 500},
 *                        {@code no connection}, {@code release 1}, ...)
 * @param timeline        what happened, ordered by time
 * @param onsetMillis     when release 2's new quote started failing
 * @param requestedMillis when the agent queued the revert
 * @param release1Millis  when the client got release 1's first answer
 * @param during          the client's answers from the onset to release 1's first, by outcome
 * @param after           the client's answers after that, by outcome
 * @param revertState     the agent's revert request's final state, e.g. {@code SUCCEEDED}
 */
record InstanceResult(List<TimedAnswer> answers, List<Timeline.Entry> timeline, long onsetMillis,
                      long requestedMillis, long release1Millis, Map<String, Long> during, Map<String, Long> after,
                      String revertState) {

    /** What the client got from release 1. */
    static final String RELEASE_1 = "release 1";
    /** What the client got from release 2. */
    static final String RELEASE_2 = "release 2";

    /**
     * One answer the client got.
     *
     * @param elapsedMillis when the request was sent, in milliseconds since the traffic started
     * @param outcome       what it got
     */
    record TimedAnswer(long elapsedMillis, String outcome) {
    }

    /**
     * Returns whether the run showed what the scenario claims: the agent's revert succeeded, and once
     * release 1 answered, only release 1 did.
     *
     * @return whether the claim holds
     */
    boolean claimHolds() {
        return "SUCCEEDED".equals(revertState) && after.keySet().equals(Set.of(RELEASE_1))
                && onsetMillis <= requestedMillis && requestedMillis <= release1Millis;
    }

    /**
     * Returns whether an outcome is a failure for the client: anything but an answer from a release.
     *
     * @param outcome the outcome
     * @return whether it failed
     */
    static boolean failed(String outcome) {
        return !outcome.equals(RELEASE_1) && !outcome.equals(RELEASE_2);
    }

    /** @return requests from the onset to release 1's first answer that neither release answered */
    long failedDuring() {
        return during.entrySet().stream().filter(e -> failed(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    /** @return the last second of traffic, rounded up */
    int seconds() {
        return (int) (answers.stream().mapToLong(TimedAnswer::elapsedMillis).max().orElse(0) / 1000) + 1;
    }

    /**
     * Returns the share of one second's requests that got an outcome.
     *
     * @param second   the second since the traffic started
     * @param counted  which outcomes are counted
     * @return the share, or {@code NaN} if no request was sent in that second
     */
    double share(int second, Predicate<String> counted) {
        List<TimedAnswer> in = answers.stream().filter(a -> a.elapsedMillis() / 1000 == second).toList();
        return in.isEmpty() ? Double.NaN : (double) in.stream().filter(a -> counted.test(a.outcome())).count() / in.size();
    }
}
