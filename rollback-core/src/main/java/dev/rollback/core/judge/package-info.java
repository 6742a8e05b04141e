/**
 * The judge's vocabulary: which {@link dev.rollback.core.judge.Criterion} decided, and the
 * {@link dev.rollback.core.judge.Evidence} it saw.
 *
 * <p>The judge runs on the calling threads as samples arrive. Each test is a mixture sequential
 * probability ratio test (mSPRT): its statistic is an e-value, a likelihood ratio averaged over a
 * prior on the size of the regression, which under "no regression beyond the tolerance" is a
 * nonnegative martingale. By Ville's inequality the chance that it ever reaches {@code 1 / alpha}
 * is at most {@code alpha}, however often it is looked at; so the judge looks after every sample.
 * Each criterion is tested on all samples since the rollout started and, so that a regression that
 * starts late is not diluted by the healthy past, on a window that restarts every 1,000 new-path
 * samples; half of {@code alpha} goes to each, spread over the windows as {@code 6 / (pi^2 k^2)}.
 */
package dev.rollback.core.judge;
