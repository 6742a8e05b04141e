/**
 * The judge's vocabulary: which {@link dev.rollback.core.judge.Criterion} decided, and the
 * {@link dev.rollback.core.judge.Evidence} it saw.
 *
 * <p>The judge runs on the calling threads as samples arrive and compares like with like: each
 * sample of the new path is paired with a sample of the old path taken in the same period, so that
 * whatever hits both paths (a slow database, a shared error burst, a traffic peak, a change of the
 * rollout share) cancels out; old-path runs that answer for a failed new-path call (fallbacks) are
 * never samples, and periods in which one path does not run add nothing. Each test's statistic is
 * an e-value, which under "no regression" is a nonnegative supermartingale: by Ville's inequality
 * the chance that it ever reaches {@code 1 / alpha} is at most {@code alpha}, however often it is
 * looked at; so the judge looks after every sample.
 *
 * <ul>
 *   <li>Error rate: in a pair where exactly one call failed, which one did is a fair coin if the new
 *       path is no worse, whatever the shared error rate does over time (Lindon, Sanden and
 *       Shirikian, KDD 2022; Lindon and Malek, NeurIPS 2022). The e-value bets on the new call at
 *       odds predicted from earlier samples; it is exact.</li>
 *   <li>Latency: a normal-mixture sequential probability ratio test (Johari, Pekelis and Walsh,
 *       2017) on the pairs' differences of log latency, so a common factor cancels.</li>
 * </ul>
 *
 * <p>Each criterion is tested on all samples since the rollout started and, so that a regression
 * that starts late is not diluted by the healthy past, on a window that restarts every 1,000
 * new-path samples. At a 100% rollout without a holdback there is no concurrent control: the new
 * path is then compared with the old path's samples from before the rollout, and
 * {@link dev.rollback.core.judge.Evidence#concurrent()} is {@code false}.
 */
@NullMarked
package dev.rollback.core.judge;

import org.jspecify.annotations.NullMarked;
