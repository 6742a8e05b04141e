/**
 * Unleash for the release guards: {@link dev.rollback.flags.UnleashFlagSource} decides each call's
 * path with the Unleash SDK (with a local kill switch in front of it), and
 * {@link dev.rollback.flags.UnleashKillSwitch} turns a rolled back feature's flag off for the whole
 * fleet through the Unleash admin API.
 */
@NullMarked
package dev.rollback.flags;

import org.jspecify.annotations.NullMarked;
