/**
 * DEMO ONLY: what lets the demo play the operator (the rollout share) and the bug (a fault in the new
 * checkout path). Nothing here belongs in a real service; the controller exists only when
 * {@code checkout.demo.admin-enabled=true}.
 */
@NullMarked
package dev.rollback.examples.checkout.demoadmin;

import org.jspecify.annotations.NullMarked;
