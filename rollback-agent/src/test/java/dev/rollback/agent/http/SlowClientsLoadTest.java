package dev.rollback.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.agent.Agent;
import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.DatabaseConfig;
import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.ServerConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.metrics.AgentMetricNames;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A load test of the agent's HTTP server against slow and numerous clients, on loopback, bounded in
 * time (about 10 s): slowloris connections that send one header byte every half second must neither
 * hold up {@code /health} nor stay open past the header deadline. It measures real latencies, so it
 * states its bound and prints what it saw; it is not a unit test.
 */
class SlowClientsLoadTest {

    private static final String TOKEN = "t".repeat(32);
    private static final int SLOW_CLIENTS = 50;
    private static final int HEALTH_CHECKS = 200;
    private static final long P99_BOUND_MILLIS = 200;

    private Agent agent;

    private void start(AgentHttpServer.Limits limits) throws IOException {
        AgentConfig config = AgentConfig.builder(new ServerConfig("127.0.0.1", 0, TOKEN, false,
                        ServerConfig.DEFAULT_MAX_BODY_BYTES))
                .store(new DatabaseConfig("jdbc:h2:mem:slow-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", ""))
                .service(ServiceConfig.of("checkout", 0, new ExecutorConfig.Command(List.of("true"), "", false,
                        Duration.ofSeconds(5))))
                .build();
        agent = Agent.builder(config).ledger(new InMemoryRollbackLedger()).httpLimits(limits).start();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void answersHealthQuicklyWhileFiftySlowClientsDripHeadersAndCutsThemAtTheDeadline() throws Exception {
        start(AgentHttpServer.Limits.DEFAULT);
        List<SlowClient> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            slow.add(new SlowClient(agent.port()));
        }
        long started = System.nanoTime();
        Thread dripper = new Thread(() -> drip(slow, Duration.ofSeconds(9)), "slowloris");
        dripper.start();

        long[] millis = new long[HEALTH_CHECKS];
        for (int i = 0; i < HEALTH_CHECKS; i++) {
            long t0 = System.nanoTime();
            assertThat(health(agent.port())).startsWith("HTTP/1.1 200");
            millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            Thread.sleep(20);
        }
        dripper.join(TimeUnit.SECONDS.toMillis(15));

        Arrays.sort(millis);
        long p50 = millis[HEALTH_CHECKS / 2];
        long p99 = millis[(int) Math.ceil(HEALTH_CHECKS * 0.99) - 1];
        long cutAfter = slow.stream().mapToLong(c -> c.closedAtNanos - started).max().orElseThrow();
        System.out.printf("SLOWLORIS: %d slow clients (1 header byte / 500 ms), %d GET /health: p50 %d ms, p99 %d ms,"
                        + " max %d ms; all slow clients cut after %d ms (header deadline %s)%n", SLOW_CLIENTS,
                HEALTH_CHECKS, p50, p99, millis[HEALTH_CHECKS - 1], TimeUnit.NANOSECONDS.toMillis(cutAfter),
                AgentHttpServer.DEFAULT_HEADER_TIMEOUT);
        assertThat(p99).as("p99 of /health in ms while %d clients dawdle", SLOW_CLIENTS).isLessThanOrEqualTo(
                P99_BOUND_MILLIS);
        assertThat(slow).as("every slow client is cut off by the server").allMatch(c -> c.closedAtNanos > 0);
        assertThat(Duration.ofNanos(cutAfter)).isLessThan(AgentHttpServer.DEFAULT_HEADER_TIMEOUT.plusSeconds(3));
        assertThat(closed("header_timeout")).isEqualTo(SLOW_CLIENTS);
    }

    @Test
    void closesConnectionsBeyondTheCapUnreadAndServesAgainOnceTheSlowOnesAreCut() throws Exception {
        start(new AgentHttpServer.Limits(4, Duration.ofSeconds(2), Duration.ofSeconds(2)));
        List<SlowClient> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slow.add(new SlowClient(agent.port()));
            slow.get(i).send((byte) 'G');
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try {
                health(agent.port());
                return false;
            } catch (IOException e) {
                return closed("max_connections") > 0; // closed unread: the cap is reached
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                return health(agent.port()).startsWith("HTTP/1.1 200");
            } catch (IOException e) {
                return false;
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> closed("header_timeout") == 4);
    }

    @Test
    void cutsABodyThatDoesNotArriveWithinTheBodyDeadline() throws Exception {
        start(new AgentHttpServer.Limits(8, Duration.ofSeconds(2), Duration.ofSeconds(1)));
        try (Socket socket = new Socket("127.0.0.1", agent.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /alerts HTTP/1.1\r\nHost: agent\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"rec")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            InputStream in = socket.getInputStream();
            assertThat(in.read()).as("the server closes the connection without an answer").isEqualTo(-1);
        } catch (IOException reset) {
            // a reset is a close too
        }
        assertThat(closed("body_timeout")).isEqualTo(1);
    }

    private double closed(String reason) {
        return agent.registry().find(AgentMetricNames.HTTP_CLOSED).tag("reason", reason).counter().count();
    }

    /** One GET /health on a connection of its own; returns the raw response. */
    private static String health(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: agent\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] response = socket.getInputStream().readAllBytes();
            if (response.length == 0) {
                throw new IOException("closed without an answer");
            }
            return new String(response, StandardCharsets.US_ASCII);
        }
    }

    private static void drip(List<SlowClient> clients, Duration duration) {
        byte[] request = "GET /health HTTP/1.1\r\nHost: agent\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
        long end = System.nanoTime() + duration.toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            byte next = i < request.length ? request[i] : (byte) 'a';
            clients.forEach(c -> c.send(next));
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A client that sends its request a byte at a time and notes when the server closed it. */
    private static final class SlowClient {
        private final SocketChannel channel;
        volatile long closedAtNanos;

        SlowClient(int port) throws IOException {
            channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.configureBlocking(false);
        }

        void send(byte b) {
            if (closedAtNanos > 0) {
                return;
            }
            try {
                if (channel.read(ByteBuffer.allocate(256)) < 0) {
                    close();
                    return;
                }
                channel.write(ByteBuffer.wrap(new byte[] {b}));
            } catch (IOException e) {
                close();
            }
        }

        private void close() {
            closedAtNanos = System.nanoTime();
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
    }
}
