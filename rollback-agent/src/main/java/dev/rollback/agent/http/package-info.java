/**
 * The agent's HTTP server, on the JDK's {@code com.sun.net.httpserver}: the Alertmanager webhook,
 * the request API, health and metrics; every door but health needs the bearer token.
 */
@NullMarked
package dev.rollback.agent.http;

import org.jspecify.annotations.NullMarked;
