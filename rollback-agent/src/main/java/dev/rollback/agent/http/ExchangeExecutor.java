package dev.rollback.agent.http;

import dev.rollback.agent.metrics.AgentMetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor of the JDK HTTP server's exchanges, which keeps slow and numerous clients from
 * starving the others. The JDK server reads a request's line and headers on the executor's thread,
 * blocking, so one client sending a byte a second holds a thread for as long as it likes. Here:
 * <ul>
 * <li>every exchange gets a thread of its own at once, up to {@code maxConnections} at a time: no
 *     exchange waits in a queue behind slow ones, so {@code /health} is answered while they dawdle;
 *     threads are made on demand and end after a minute idle;</li>
 * <li>an exchange beyond {@code maxConnections} is closed at once, on a thread of its own, without
 *     reading it (its thread interrupts itself, so the first read of the channel closes it);</li>
 * <li>a watchdog interrupts the thread of an exchange whose headers are not read within
 *     {@code headerTimeout}, or whose body is not read within {@code bodyTimeout} after its headers:
 *     a blocked read of a socket channel ends with the channel closed. The handler reports the
 *     phases through {@link #headersRead(boolean)} and {@link #bodyRead()}; after the body no
 *     deadline applies, so the handler's own work is never interrupted.</li>
 * </ul>
 * Deadlines are kept in real time ({@link System#nanoTime()}), not the agent's clock: they are
 * about sockets, which do not run in virtual time.
 */
final class ExchangeExecutor implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeExecutor.class);
    private static final long TICK_MILLIS = 50;

    /** What an exchange's thread is waiting for, and until when. */
    private record Deadline(String phase, long atNanos) {
    }

    private final int maxConnections;
    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final ThreadPoolExecutor workers;
    private final ExecutorService refuser;
    private final ScheduledExecutorService watchdog;
    private final AtomicInteger active = new AtomicInteger();
    /** Exchanges being read, by thread; interrupts happen only under this map's lock. */
    private final Map<Thread, Deadline> deadlines = new ConcurrentHashMap<>();
    private final Counter refused;
    private final Counter headerDeadlines;
    private final Counter bodyDeadlines;

    ExchangeExecutor(int maxConnections, Duration headerTimeout, Duration bodyTimeout, MeterRegistry registry) {
        this.maxConnections = maxConnections;
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.bodyTimeoutNanos = bodyTimeout.toNanos();
        this.workers = new ThreadPoolExecutor(maxConnections, maxConnections, 1, TimeUnit.MINUTES,
                new SynchronousQueue<>(), threads("rollback-agent-http"));
        workers.allowCoreThreadTimeOut(true);
        this.refuser = Executors.newSingleThreadExecutor(threads("rollback-agent-http-refuse"));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(threads("rollback-agent-http-deadlines"));
        watchdog.scheduleWithFixedDelay(this::enforce, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        String description = "HTTP connections the agent closed unread or part read";
        this.refused = Counter.builder(AgentMetricNames.HTTP_CLOSED).tag("reason", "max_connections")
                .description(description).register(registry);
        this.headerDeadlines = Counter.builder(AgentMetricNames.HTTP_CLOSED).tag("reason", "header_timeout")
                .description(description).register(registry);
        this.bodyDeadlines = Counter.builder(AgentMetricNames.HTTP_CLOSED).tag("reason", "body_timeout")
                .description(description).register(registry);
    }

    @Override
    public void execute(Runnable exchange) {
        if (active.incrementAndGet() > maxConnections) {
            active.decrementAndGet();
            refuse(exchange);
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    read(exchange);
                } finally {
                    active.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            active.decrementAndGet();
            refuse(exchange);
        }
    }

    private void read(Runnable exchange) {
        Thread thread = Thread.currentThread();
        deadlines.put(thread, new Deadline("header", System.nanoTime() + headerTimeoutNanos));
        try {
            exchange.run();
        } finally {
            synchronized (deadlines) {
                deadlines.remove(thread);
                Thread.interrupted(); // an interrupt meant for this exchange must not reach the next
            }
        }
    }

    private void refuse(Runnable exchange) {
        refused.increment();
        try {
            refuser.execute(() -> {
                Thread.currentThread().interrupt();
                try {
                    exchange.run();
                } finally {
                    Thread.interrupted();
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Closing: an exchange arrived after the server stopped");
        }
    }

    /**
     * Tells that the current exchange's headers are read: its body must then be read within the body
     * timeout, if it has one; otherwise no deadline applies any more.
     *
     * @param hasBody whether a body is to be read
     */
    void headersRead(boolean hasBody) {
        Thread thread = Thread.currentThread();
        synchronized (deadlines) {
            if (deadlines.containsKey(thread)) {
                if (hasBody) {
                    deadlines.put(thread, new Deadline("body", System.nanoTime() + bodyTimeoutNanos));
                } else {
                    deadlines.remove(thread);
                }
            }
        }
    }

    /** Tells that the current exchange's body is read: no deadline applies any more. */
    void bodyRead() {
        synchronized (deadlines) {
            deadlines.remove(Thread.currentThread());
        }
    }

    private void enforce() {
        long now = System.nanoTime();
        synchronized (deadlines) {
            deadlines.forEach((thread, deadline) -> {
                if (now - deadline.atNanos() > 0) {
                    deadlines.remove(thread);
                    (deadline.phase().equals("header") ? headerDeadlines : bodyDeadlines).increment();
                    LOG.debug("Closing a connection whose {} was not read in time", deadline.phase());
                    thread.interrupt();
                }
            });
        }
    }

    /** Stops the threads; exchanges being read are interrupted. */
    @Override
    public void close() {
        watchdog.shutdownNow();
        refuser.shutdownNow();
        workers.shutdownNow();
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
