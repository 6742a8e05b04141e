package dev.rollback.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThrottledLogTest {

    @Test
    void letsOneMessageThroughPerIntervalAndCountsTheRest() {
        MockClock clock = new MockClock();
        ThrottledLog log = new ThrottledLog(clock, Duration.ofMinutes(1).toNanos());

        assertThat(log.tryAcquire()).isEqualTo(1);
        for (int i = 0; i < 99; i++) {
            assertThat(log.tryAcquire()).isZero();
            clock.add(Duration.ofMillis(500));
        }
        clock.add(Duration.ofMinutes(1));

        assertThat(log.tryAcquire()).as("the suppressed ones, plus this one").isEqualTo(100);
    }
}
