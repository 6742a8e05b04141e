/**
 * The rollback agent: a standalone process that reverts whole instances of services to their
 * previous version, fed by instance health reports, Alertmanager webhooks and its own API, and
 * throttled across a fleet. {@link dev.rollback.agent.Agent} wires the parts; the command line is in
 * {@code dev.rollback.agent.cli}.
 */
@NullMarked
package dev.rollback.agent;

import org.jspecify.annotations.NullMarked;
