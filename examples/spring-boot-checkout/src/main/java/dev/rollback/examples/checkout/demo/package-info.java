/**
 * The demo: a client of the checkout service that starts it, drives bounded HTTP traffic at it,
 * plays the operator (rollout) and the bug (a regression), watches what the service does over its
 * actuator endpoints, and prints and writes what happened; or, with {@code --scenario=instance}, shows
 * the instance reflex with the rollback agent (see {@link
 * dev.rollback.examples.checkout.reflex.ReflexRig}). Entry point: {@link
 * dev.rollback.examples.checkout.demo.CheckoutDemo}.
 */
@NullMarked
package dev.rollback.examples.checkout.demo;

import org.jspecify.annotations.NullMarked;
