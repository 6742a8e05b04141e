package dev.rollback.core.internal;

import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.core.metrics.RollbackMetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a {@link RollbackLedger} on its own thread, so that a slow or failing database never
 * blocks a guarded call. Writes wait in a bounded queue and run in order; one that fails is retried
 * with exponential backoff until it succeeds or the writer is closed. A write that finds the queue
 * full, or that the ledger rejects as invalid ({@link IllegalArgumentException}), is dropped, counted
 * and logged with its content, so that nothing disappears silently.
 *
 * <p>{@link #close()} stops taking writes and waits up to the flush timeout for the queue to empty;
 * what is still unwritten then is logged, one line per write, with its content.
 */
public final class LedgerWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LedgerWriter.class);

    private final RollbackLedger ledger;
    private final BlockingQueue<Write> queue;
    private final Duration initialBackoff;
    private final Duration maximumBackoff;
    private final Duration flushTimeout;
    private final Thread thread;
    private final Counter retries;
    private final Counter dropped;
    private final List<Meter> registered = new ArrayList<>();
    private final MeterRegistry meters;
    private volatile boolean closed;
    private volatile boolean stop;
    private volatile Write inFlight;

    private record Write(String description, Consumer<RollbackLedger> action) {
    }

    /**
     * Creates the writer and starts its thread.
     *
     * @param ledger         where the records go
     * @param capacity       how many writes may wait
     * @param initialBackoff the pause after the first failure, doubled after each further one
     * @param maximumBackoff the longest pause
     * @param flushTimeout   how long {@link #close()} waits for the queue to empty
     * @param meters         where the queue gauge and the retry and drop counters go
     */
    public LedgerWriter(RollbackLedger ledger, int capacity, Duration initialBackoff, Duration maximumBackoff,
                        Duration flushTimeout, MeterRegistry meters) {
        this.ledger = ledger;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.initialBackoff = initialBackoff;
        this.maximumBackoff = maximumBackoff;
        this.flushTimeout = flushTimeout;
        this.meters = meters;
        this.retries = Counter.builder(RollbackMetricNames.LEDGER_RETRIES)
                .description("Ledger writes that failed and will be retried").register(meters);
        this.dropped = Counter.builder(RollbackMetricNames.LEDGER_DROPPED)
                .description("Ledger writes dropped because the queue was full or the registry closed")
                .register(meters);
        registered.add(retries);
        registered.add(dropped);
        registered.add(Gauge.builder(RollbackMetricNames.LEDGER_QUEUE, queue, BlockingQueue::size)
                .description("Ledger writes waiting to be written").register(meters));
        this.thread = new Thread(this::run, "rollback-ledger-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a write. Never blocks.
     *
     * @param description what is written, for the log if it must be dropped
     * @param action      the write
     * @return whether it was queued
     */
    public boolean submit(String description, Consumer<RollbackLedger> action) {
        Write write = new Write(description, action);
        if (!closed && queue.offer(write)) {
            return true;
        }
        dropped.increment();
        log.error("Ledger write dropped ({}): {}", closed ? "writer closed" : "queue full, " + queue.size()
                + " waiting", description);
        return false;
    }

    /**
     * Returns how many writes wait, including one being retried.
     *
     * @return the count
     */
    public int pending() {
        return queue.size() + (inFlight == null ? 0 : 1);
    }

    private void run() {
        while (!stop) {
            Write write;
            try {
                write = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (write != null) {
                inFlight = write;
                writeUntilDone(write);
                inFlight = null;
            }
        }
    }

    private void writeUntilDone(Write write) {
        long backoff = initialBackoff.toNanos();
        for (int attempt = 1; !stop; attempt++) {
            try {
                write.action.accept(ledger);
                if (attempt > 1) {
                    log.info("Ledger write succeeded after {} attempts: {}", attempt, write.description);
                }
                return;
            } catch (IllegalArgumentException | NullPointerException e) {
                // The record itself is bad: retrying cannot help and would block every write behind it.
                dropped.increment();
                log.error("Ledger write rejected, not retried: {}", write.description, e);
                return;
            } catch (RuntimeException e) {
                retries.increment();
                if (attempt == 1 || Long.bitCount(attempt) == 1) {
                    log.warn("Ledger write failed (attempt {}), retrying in {} ms: {}", attempt,
                            TimeUnit.NANOSECONDS.toMillis(backoff), write.description, e);
                }
            }
            try {
                TimeUnit.NANOSECONDS.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(backoff * 2, maximumBackoff.toNanos());
        }
    }

    /** Stops taking writes, waits for the queue to empty up to the flush timeout, then stops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + flushTimeout.toNanos();
        while (pending() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Write unfinished = inFlight;
        if (unfinished != null) {
            lost(unfinished);
        }
        for (Write write = queue.poll(); write != null; write = queue.poll()) {
            lost(write);
        }
        registered.forEach(meters::remove);
    }

    private void lost(Write write) {
        dropped.increment();
        log.error("Ledger write not recorded before close (ledger unavailable for {}): {}", flushTimeout,
                write.description);
    }
}
