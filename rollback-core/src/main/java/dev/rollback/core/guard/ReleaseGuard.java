package dev.rollback.core.guard;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Guards one feature: runs its new path behind a flag and a circuit breaker, answers with the old
 * path when the new one fails, and rolls the feature back when the judge finds the new path worse.
 *
 * <p>Obtained from {@code RollbackRegistry#guard(String)}; one instance per feature, safe for use
 * from many threads. No lock is held while a path runs.
 *
 * <p>The order in which a call is handled:
 * <ol>
 *   <li>if the feature is {@linkplain GuardState#ROLLED_BACK rolled back}, the old path runs;</li>
 *   <li>the flag source decides; if it says no, or throws, the old path runs;</li>
 *   <li>if the circuit breaker does not permit the call, the old path runs;</li>
 *   <li>the new path runs; if it throws an exception that the guard's
 *       {@linkplain GuardConfig#fallbackOn() fallback predicate} accepts, the failure is recorded and
 *       the old path answers the same call.</li>
 * </ol>
 * Every outcome is a sample for the judge, except the old path's runs in steps 3 and 4 (fallbacks),
 * which ran only because the new path could not answer and so are no control samples. Calls held back
 * by {@link GuardConfig#holdback()} take the old path as in step 2. If the old path throws, the
 * caller gets its exception, exactly as without the guard.
 *
 * <p>While a path runs, {@link RunningPath#current()} on its thread names it: the new path as
 * {@link RunningPath.Kind#NEW}, the old path (fallbacks included) as {@link RunningPath.Kind#OLD}.
 */
public interface ReleaseGuard {

    /**
     * Runs the new path if the flag is on for this call, else the old path; answers with the old
     * path if the new path fails.
     *
     * @param newPath the code the release adds
     * @param oldPath the code it replaces
     * @param <T>     the result type
     * @return the result of whichever path answered
     */
    <T> T call(Supplier<? extends T> newPath, Supplier<? extends T> oldPath);

    /**
     * Like {@link #call(Supplier, Supplier)}, with a stickiness key: the same key takes the same path
     * while the rollout share is unchanged.
     *
     * @param stickinessKey a user id, session id or similar; {@code null} behaves like no key
     * @param newPath       the code the release adds
     * @param oldPath       the code it replaces
     * @param <T>           the result type
     * @return the result of whichever path answered
     */
    <T> T call(@Nullable String stickinessKey, Supplier<? extends T> newPath, Supplier<? extends T> oldPath);

    /**
     * Runs a new path that has no old path to fall back to. The path always runs, whatever the flag
     * says, and its exceptions reach the caller. It is still judged, against the
     * {@linkplain GuardConfig#maximumErrorRate() absolute limits} and the circuit breaker; a
     * regression cannot be contained here, so it makes the instance's health
     * {@code ROLLBACK_REQUESTED}, for an agent to revert the whole instance.
     *
     * @param newPath the code the release adds
     * @param <T>     the result type
     * @return the result of the new path
     */
    <T> T call(Supplier<? extends T> newPath);

    /**
     * Returns the feature's name, which is also its flag's name.
     *
     * @return the feature
     */
    String feature();

    /**
     * Returns where the feature stands on this instance.
     *
     * @return the state
     */
    GuardState state();

    /**
     * Rolls the feature back by hand. Sticky until {@link #reinstate()}; does nothing if the feature
     * is already rolled back.
     *
     * @param reason why, in words a person can act on; made one line and cut as
     *               {@link dev.rollback.core.ledger.LedgerText#reason(String)} says before it is
     *               logged, published or recorded
     */
    void rollback(String reason);

    /**
     * Undoes a rollback: a person's decision to try the new path again. Judging starts afresh, with
     * no samples from before. Does nothing if the feature is not rolled back.
     */
    void reinstate();

    /**
     * Returns the guard's configuration.
     *
     * @return the configuration
     */
    GuardConfig config();
}
