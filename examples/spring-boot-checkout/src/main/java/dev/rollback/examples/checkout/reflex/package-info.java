/**
 * The instance reflex with real processes on loopback: the checkout service as release 2, the
 * rollback agent's runnable jar with a command executor that brings back release 1, and a client
 * that counts every answer. The demo's {@code --scenario=instance} and the reflex end-to-end tests
 * run the same {@link dev.rollback.examples.checkout.reflex.ReflexRig}.
 */
@NullMarked
package dev.rollback.examples.checkout.reflex;

import org.jspecify.annotations.NullMarked;
