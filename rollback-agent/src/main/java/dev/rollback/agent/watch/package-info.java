/**
 * The watcher: polls instances' health reports (listed in the configuration or found as Kubernetes
 * pods) and asks for a revert when enough of a service's instances report
 * {@code ROLLBACK_REQUESTED} for enough polls in a row.
 */
@NullMarked
package dev.rollback.agent.watch;

import org.jspecify.annotations.NullMarked;
