package dev.rollback.examples.checkout.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends orders to the service at a steady rate for a bounded time, from a few client threads, and
 * records what each request got in {@link ClientStats}. Requests are paced by one shared schedule
 * (request {@code i} is due at {@code i / rate} seconds), so a slow answer delays its own thread only,
 * and the total is at most {@code rate * duration}. With several instances of the service, request
 * {@code i} goes to instance {@code i mod n}, as a round-robin load balancer would send it.
 */
final class TrafficDriver {

    private static final String[] SKUS = {"BOOK-1", "PEN-2", "INK-3", "PAD-4"};
    private static final String[] FIRST = {"Ada", "Charles", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances"};
    private static final String[] LAST = {"Lovelace", "Babbage", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth",
            "Allen"};

    private final List<ServiceClient> clients;
    private final ClientStats stats;
    private final DemoOptions options;
    private final long startNanos;
    private final long endNanos;
    private final long intervalNanos;
    private final AtomicLong nextDue;
    private final List<Thread> threads = new ArrayList<>();

    /**
     * Prepares the traffic; nothing is sent before {@link #start()}.
     *
     * @param clients    the clients of the service's instances, at least one
     * @param stats      where results go
     * @param options    rate, duration, users, threads, seed
     * @param startNanos the {@link System#nanoTime()} at which the traffic starts
     */
    TrafficDriver(List<ServiceClient> clients, ClientStats stats, DemoOptions options, long startNanos) {
        this.clients = List.copyOf(clients);
        this.stats = stats;
        this.options = options;
        this.startNanos = startNanos;
        this.endNanos = startNanos + TimeUnit.SECONDS.toNanos(options.durationSeconds());
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / options.rate();
        this.nextDue = new AtomicLong(startNanos);
    }

    /** Starts the client threads. */
    void start() {
        for (int t = 0; t < options.threads(); t++) {
            SplittableRandom random = new SplittableRandom(options.seed() * 31 + t);
            Thread thread = new Thread(() -> run(random), "demo-client-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Waits until every thread has sent its last request and got its answer (or timed out).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void join() throws InterruptedException {
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private void run(SplittableRandom random) {
        while (true) {
            long due = nextDue.getAndAdd(intervalNanos);
            if (due >= endNanos) {
                return;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            int user = random.nextInt(options.users());
            String name = FIRST[user % FIRST.length] + " " + LAST[(user / FIRST.length) % LAST.length];
            long sent = System.nanoTime();    // later than due when the client falls behind (e.g. at warm-up)
            ServiceClient client = clients.get((int) ((due - startNanos) / intervalNanos % clients.size()));
            ServiceClient.OrderResult result = client.placeOrder("user-" + user, name,
                    SKUS[random.nextInt(SKUS.length)], 1 + random.nextInt(3));
            stats.record(TimeUnit.NANOSECONDS.toMillis(sent - startNanos), result.answer(), result.latencyMicros(),
                    result.failure());
        }
    }
}
