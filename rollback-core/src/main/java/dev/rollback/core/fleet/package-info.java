/**
 * Fleet evidence: every instance's pairs in one verdict, so that a fleet of twenty decides about as
 * fast as one instance with all the traffic.
 *
 * <h2>What is shared</h2>
 * Each instance's judge pairs its own new-path and old-path calls as it does alone (see
 * {@link dev.rollback.core.judge}). Every {@link dev.rollback.core.fleet.FleetConfig#publishInterval()}
 * (a time block) the {@link dev.rollback.core.fleet.Fleet} member of the instance ({@code dev.rollback.core.RollbackFleet}) takes the block's
 * sufficient statistics from each guard, a {@link dev.rollback.core.fleet.FleetBlock}: the pairs, the
 * discordant pairs by which call failed, and for the pairs in which both succeeded the count and the
 * sums of the log latency ratio and of its square. It publishes them with its heartbeat to a
 * {@link dev.rollback.core.fleet.FleetStore}, in the ledger's database: no new server, no new process,
 * nothing on the guarded call but a few additions under the lock the judge already holds.
 *
 * <h2>The test</h2>
 * Stratum = one instance in one block. Within a stratum the two calls of a pair share whatever that
 * instance saw then (its database, its load, its error rate on both paths), exactly as for the local
 * judge. Error rate: if the new path is no worse, then, given which pairs are discordant in every
 * stratum and everything that happened before, which call of a discordant pair failed is a coin that
 * lands on the new call with probability at most 1/2, in every stratum, whatever the stratum's error
 * rate (Lindon, Sanden and Shirikian, KDD 2022; Lindon and Malek, NeurIPS 2022: under the null, the arm
 * in which an event falls is a coin with the arms' share as its bias, whatever the rate over time). For
 * any bet {@code q} in [1/2, 1) the product over all discordant pairs of the fleet of {@code 2q} (new
 * failed) and {@code 2(1 - q)} (old failed) is therefore a product of per-stratum e-values and a
 * nonnegative supermartingale, whatever the order in which the pairs are seen; it depends only on the
 * pooled counts. The fleet judge's e-value is its average over nine bets {@code q = 0.55 ... 0.95} fixed
 * in advance (a mixture, so again a supermartingale), and by Ville's inequality it ever reaches
 * {@code 1 / (2/3 alpha)} with probability at most {@code 2/3 alpha}, with {@code alpha} the feature's
 * {@link dev.rollback.core.guard.GuardConfig#significanceLevel()}. As for the local judge, a verdict
 * also needs the pooled paired failure proportions to differ by more than the tolerance. Latency: the
 * local judge's normal-mixture SPRT on the pooled mean of the pairs' log ratios, with the remaining
 * third of {@code alpha}; it is asymptotic, as locally, and the pooled variance (about the grand mean)
 * only overstates the per-stratum one, which makes it slower, never less valid. The fleet judge is a
 * test of its own: with it, a feature is rolled back falsely with probability at most {@code alpha} by
 * the fleet plus {@code alpha} per instance by the local judges, which go on unchanged.
 *
 * <h2>Why it stays valid</h2>
 * <ul>
 *   <li>Peeking: the statistic is a supermartingale in the pairs; it is read whenever an instance looks,
 *       which is a stopping time.</li>
 *   <li>Strata joining and leaving, an instance with more errors on both paths, a slow instance: each
 *       changes which pairs exist, or how many are discordant, never the coin of a discordant pair. An
 *       instance that leaves (no heartbeat for {@link dev.rollback.core.fleet.FleetConfig#staleAfter()})
 *       publishes no more; the pairs it published stay counted, since dropping pairs after they were
 *       seen would be choosing data, and it is not waited for.</li>
 *   <li>Delays: a block published late only adds its pairs later; the statistic depends on the counts,
 *       not on the order.</li>
 *   <li>Clock skew: block times are kept for people; the test reads only counts, and the verdicts are
 *       ordered by the store's ids and epochs, never by an instance's clock. Skew only shifts when an
 *       instance counts as gone, by far less than {@code staleAfter}.</li>
 * </ul>
 * Per-instance blocks in the store are sums; a lost publication is repeated whole (one transaction),
 * so no pair counts twice. What the fleet test does not have is the local judge's windows: it pools
 * every pair of its scope since the feature's last fleet verdict, so a regression that starts after a
 * long healthy rollout is diluted by it (the local judges, which have windows, still catch it).
 *
 * <h2>What is pooled: one version of the service</h2>
 * A fleet judge pools the blocks of one {@link dev.rollback.core.fleet.FleetScope}: its service and
 * its service version (the registry's {@code version()}), fixed when the instance starts, before it
 * forms a single pair. Blocks, heartbeats and verdicts are all kept per scope, so the blocks of another
 * version (an earlier release's rollout of a feature of the same name, long gone) never join the pool,
 * and a verdict on one version never binds the next.
 * <ul>
 *   <li>Why the version: the null hypothesis is about code, "this version's new path is no worse than
 *       its old path". Pairs another version formed measure other code; under this null they are no
 *       coins of bias at most 1/2, and a few hundred of them at 77% errors make a verdict before this
 *       version has served a call. The version is known before the data and says which code formed a
 *       pair, so the set of strata is chosen without looking at any outcome.</li>
 *   <li>Why not by age (only the blocks of the last hour, say): a stratum, once in the pool, stays until
 *       the next verdict. Dropping strata during the test, whatever the rule, removes factors of the
 *       product; those below 1 are the very ones that held it down, so a product over a moving set of
 *       strata is no supermartingale and Ville's bound no longer holds. The scope is fixed instead.</li>
 *   <li>A re-deploy with the same version string continues the same pool: an instance restarted, a pod
 *       replaced, the service scaled out, all run the same code, and their pairs are evidence about the
 *       same hypothesis. So a version string must name one build: a string reused for other code
 *       ({@code latest}, a snapshot rebuilt) would pool that code's pairs with this one's. In a
 *       development or test database where runs of one version inject a regression at run time (a demo,
 *       a fault test), a run stopped before its verdict leaves blocks the next run pools: give each run a
 *       database or schema of its own, or a version string of its own.</li>
 *   <li>The rollout's start does not scope too. It is no fact every instance knows alike (each sees a
 *       flag change at its own moment, and a flag service does not say when a strategy changed), while
 *       every instance must read the same rows to reach the same verdict; and a pair formed at 10% or at
 *       50% measures the same code. What restarts the pool within a version is a verdict: the next
 *       epoch pools only the blocks after it.</li>
 *   <li>During a rolling upgrade, the old and the new version each have a pool of their own, each with
 *       its share of the traffic. Rows written before the version was recorded (by a previous release
 *       of this library) carry the version {@code ''}, which no instance has: they are never pooled.</li>
 * </ul>
 *
 * <h2>Where it runs: on every instance</h2>
 * Every instance reads the pooled blocks of its scope for each feature it is rolling out and tests
 * them; as all read the same rows, all reach the same verdict within a publish interval of one another.
 * The first to reach it records it in the store under the feature's next epoch in that scope: the
 * store keeps exactly one, so the verdict is recorded once in the ledger (as a
 * {@link dev.rollback.core.ledger.RollbackScope#FLEET} rollback by {@code fleet-judge}, with the pooled
 * evidence and the contributing instances), however many reach it at once. Every instance, first or not, then rolls the feature back locally, which tells
 * its flag source (an Unleash kill switch turns the flag off for the fleet; turning it off twice is
 * harmless) and shows the verdict in its health report. No election: nothing to fail over, no leader
 * to lose, and an instance that cannot reach the store simply judges alone; the price is that every
 * instance reads the blocks.
 *
 * <h2>What a round costs</h2>
 * A rollout can run for days, and the pool grows by a block per instance per interval. So no round
 * re-sums the pool: each instance keeps running totals per feature and epoch, and a round reads only
 * the blocks published in about the last {@link dev.rollback.core.fleet.FleetConfig#staleAfter()}
 * ({@link dev.rollback.core.fleet.FleetStore#blocks(FleetScope, String, long)}), adding those not yet
 * added. It reads that window, not only ids above the newest it has, because ids are handed out when a
 * publication starts and seen when it commits, so a lower id can appear after a higher one; the window
 * is safe as long as a publication, one short transaction, commits within {@code staleAfter} of taking
 * its ids (the internal {@code RunningPool} says why). The totals are those of a full re-sum
 * ({@link dev.rollback.core.fleet.FleetStore#pooled(FleetScope, String, long)}), the same instances and
 * counts; a new verdict, or a feature that rolls out again after a rollback, starts them afresh. A round
 * whose read fails changes nothing, so no block counts twice when it is repeated.
 *
 * <p>The table: once a verdict is {@code staleAfter} old, every instance deletes, once, the blocks up
 * to its newest block ({@link dev.rollback.core.fleet.FleetStore#deleteBlocks(FleetScope, String, long)}),
 * which no round pools again. The blocks of an epoch that no verdict closed (a healthy rollout, an
 * earlier version) are kept: deleting them by age would drop strata from a test that may still run (a
 * re-deploy of the same version continues its pool), so they are left to whoever runs the database,
 * for versions that are gone for good.
 */
@NullMarked
package dev.rollback.core.fleet;

import org.jspecify.annotations.NullMarked;
