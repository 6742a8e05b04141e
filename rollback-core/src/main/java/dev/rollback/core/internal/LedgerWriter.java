package dev.rollback.core.internal;

import dev.rollback.core.ledger.DeadLetters;
import dev.rollback.core.ledger.DeploymentRecord;
import dev.rollback.core.ledger.LedgerFailure;
import dev.rollback.core.ledger.LedgerText;
import dev.rollback.core.ledger.MicroserviceVersion;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.metrics.RollbackMetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a {@link RollbackLedger} on its own thread, so that a slow or failing database never
 * blocks a guarded call. Writes wait in a bounded queue and run in order. A write that fails is
 * handled by what the failure means ({@link LedgerFailure#of(Throwable)}):
 * <ul>
 * <li>the database could not take it now ({@link LedgerFailure#TRANSIENT}): it is retried with
 *     exponential backoff until it succeeds or the writer is closed;</li>
 * <li>the database refused the record itself ({@link LedgerFailure#RECORD_REJECTED}, e.g. a NUL
 *     character in a reason): it is tried once more with its text escaped, if that changes it (a
 *     lossless change); if it is refused again it is set aside in a dead-letter list of the last
 *     {@value DeadLetters#DEFAULT_CAPACITY}, counted in {@value RollbackMetricNames#LEDGER_REJECTED} and
 *     logged once at ERROR with its content. It is never retried, so it never holds up the writes
 *     behind it.</li>
 * </ul>
 * A write that finds the queue full is dropped, counted in
 * {@value RollbackMetricNames#LEDGER_DROPPED} and logged with its content, so that nothing
 * disappears silently.
 *
 * <p>{@link #close()} stops taking writes and waits up to the flush timeout for the queue to empty;
 * what is still unwritten then, the write being retried included, is counted as dropped and logged,
 * one line per write, with its content.
 */
public final class LedgerWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LedgerWriter.class);
    /** Longest record text written to the log; the dead-letter list keeps the whole record. */
    private static final int LOGGED_LENGTH = 4000;

    private final RollbackLedger ledger;
    private final BlockingQueue<Write> queue;
    private final Duration initialBackoff;
    private final Duration maximumBackoff;
    private final Duration flushTimeout;
    private final Thread thread;
    private final Counter retries;
    private final Counter dropped;
    private final Counter rejected;
    private final DeadLetters<Object> deadLetters = new DeadLetters<>(DeadLetters.DEFAULT_CAPACITY);
    private final List<Meter> registered = new ArrayList<>();
    private final MeterRegistry meters;
    private volatile boolean closed;
    private volatile boolean stop;
    private volatile Write inFlight;

    /**
     * One write: the record, how to write it, and the record with its text escaped, if that differs.
     */
    private record Write(String kind, Object record, Consumer<RollbackLedger> action, Write escaped) {

        String description() {
            return LedgerText.cut(LedgerText.escape(kind + " " + record), LOGGED_LENGTH);
        }
    }

    /**
     * Creates the writer and starts its thread.
     *
     * @param ledger         where the records go
     * @param capacity       how many writes may wait
     * @param initialBackoff the pause after the first failure, doubled after each further one
     * @param maximumBackoff the longest pause
     * @param flushTimeout   how long {@link #close()} waits for the queue to empty
     * @param meters         where the queue gauge and the retry, drop and rejection counters go
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
        this.rejected = Counter.builder(RollbackMetricNames.LEDGER_REJECTED)
                .description("Ledger writes the database refused as data, set aside and not retried")
                .register(meters);
        registered.add(retries);
        registered.add(dropped);
        registered.add(rejected);
        registered.add(Gauge.builder(RollbackMetricNames.LEDGER_QUEUE, queue, BlockingQueue::size)
                .description("Ledger writes waiting to be written").register(meters));
        this.thread = new Thread(this::run, "rollback-ledger-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues the write of a version. Never blocks.
     *
     * @param version the version
     * @return whether it was queued
     */
    public boolean submit(MicroserviceVersion version) {
        return submit(new Write("version", version, l -> l.recordVersion(version), null));
    }

    /**
     * Queues the write of a deployment. Never blocks.
     *
     * @param deployment the deployment
     * @return whether it was queued
     */
    public boolean submit(DeploymentRecord deployment) {
        return submit(new Write("deployment", deployment, l -> l.recordDeployment(deployment), null));
    }

    /**
     * Queues the write of a rollback, with its escaped form to try if the database refuses it.
     * Never blocks.
     *
     * @param rollback the rollback
     * @return whether it was queued
     */
    public boolean submit(RollbackRecord rollback) {
        RollbackRecord escaped = rollback.escaped();
        Write escapedWrite = escaped == rollback ? null
                : new Write("rollback", escaped, l -> l.recordRollback(escaped), null);
        return submit(new Write("rollback", rollback, l -> l.recordRollback(rollback), escapedWrite));
    }

    /**
     * Queues the write of a recorded rollback's outcome, after the write of the rollback itself when
     * both are queued. Never blocks.
     *
     * @param update the rollback's id and outcome
     * @return whether it was queued
     */
    public boolean submit(OutcomeUpdate update) {
        return submit(new Write("outcome", update, l -> l.recordOutcome(update.rollbackId(), update.outcome()), null));
    }

    /**
     * How a recorded rollback ended, as the writer queues it.
     *
     * @param rollbackId the rollback's id
     * @param outcome    how it ended
     */
    public record OutcomeUpdate(String rollbackId, RollbackOutcome outcome) {

        /**
         * Checks that no component is null.
         */
        public OutcomeUpdate {
            Objects.requireNonNull(rollbackId, "rollbackId");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    private boolean submit(Write write) {
        if (!closed && queue.offer(write)) {
            return true;
        }
        dropped.increment();
        log.error("Ledger write dropped ({}): {}", closed ? "writer closed" : "queue full, " + queue.size()
                + " waiting", write.description());
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

    /**
     * Returns the records the database refused even escaped, oldest first: at most
     * {@value DeadLetters#DEFAULT_CAPACITY}, the most recent ones.
     *
     * @return the records ({@link MicroserviceVersion}, {@link DeploymentRecord}, {@link RollbackRecord}
     *         or {@link OutcomeUpdate}), as they were submitted
     */
    public List<Object> deadLetters() {
        return deadLetters.list();
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
                if (!writeUntilDone(write)) {
                    return; // stopped with the write unfinished: close() lists it
                }
                inFlight = null;
            }
        }
    }

    /** Writes, escapes or sets aside; returns false only if stopped before the write was done. */
    private boolean writeUntilDone(Write write) {
        long backoff = initialBackoff.toNanos();
        Write current = write;
        for (int attempt = 1; !stop; attempt++) {
            try {
                current.action.accept(ledger);
                if (current != write) {
                    log.warn("Ledger write refused by the database as it was, written with its text escaped: {}",
                            current.description());
                } else if (attempt > 1) {
                    log.info("Ledger write succeeded after {} attempts: {}", attempt, write.description());
                }
                return true;
            } catch (RuntimeException e) {
                if (LedgerFailure.of(e) == LedgerFailure.RECORD_REJECTED) {
                    if (current == write && write.escaped != null) {
                        current = write.escaped;
                        continue;
                    }
                    setAside(write, e);
                    return true;
                }
                retries.increment();
                if (attempt == 1 || Long.bitCount(attempt) == 1) {
                    log.warn("Ledger write failed (attempt {}), retrying in {} ms: {}", attempt,
                            TimeUnit.NANOSECONDS.toMillis(backoff), current.description(), e);
                }
            }
            try {
                TimeUnit.NANOSECONDS.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoff = Math.min(backoff * 2, maximumBackoff.toNanos());
        }
        return false;
    }

    private void setAside(Write write, RuntimeException failure) {
        rejected.increment();
        deadLetters.add(write.record);
        log.error("Ledger write refused by the database as data{}, set aside and not retried: {}: {}",
                write.escaped == null ? "" : " (also with its text escaped)", write.description(),
                LedgerText.escape(failure.toString()));
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
                write.description());
    }
}
