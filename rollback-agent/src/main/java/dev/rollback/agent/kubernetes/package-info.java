/**
 * Reverting a Kubernetes Deployment the way {@code kubectl rollout undo} does, with the fabric8
 * client, and following the rollout that follows.
 */
@NullMarked
package dev.rollback.agent.kubernetes;

import org.jspecify.annotations.NullMarked;
