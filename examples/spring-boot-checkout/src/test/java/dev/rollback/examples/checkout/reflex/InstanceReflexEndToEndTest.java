package dev.rollback.examples.checkout.reflex;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The instance reflex end to end, with real processes on loopback ({@link ReflexRig}): the example
 * service as release 2 (its feature {@code quote-v2} has no old path) and the agent's runnable jar
 * polling the service's {@code /actuator/rollback} every second ({@code consecutive} 2), with a
 * command executor. The new quote starts failing (onset); the judge rolls the feature back and the
 * service reports {@code ROLLBACK_REQUESTED}; the agent asks for a revert and its command stops
 * release 2 and starts release 1 on the same port; release 1 answers. Every answer the client got
 * is counted. Prints the figures.
 */
class InstanceReflexEndToEndTest {

    /** The bound of the instance reflex with a 1 s watch interval and 2 consecutive polls. */
    static final Duration REVERT_REQUESTED_WITHIN = Duration.ofSeconds(5);
    /**
     * Mostly the start of release 1, a Spring Boot JVM: about 7 s on an idle 2-core machine, up to 19 s
     * seen with other builds running.
     */
    static final Duration RELEASE_1_SERVING_WITHIN = Duration.ofSeconds(25);

    @RegisterExtension
    final ReflexRigExtension extension = new ReflexRigExtension();

    @Test
    void aFailingFeatureWithoutOldPathBringsBackTheReleaseBefore() throws Exception {
        ReflexRig rig = extension.rig();
        rig.startRelease2();
        rig.startAgent("{interval: 1s, timeout: 1s, consecutive: 2}",
                "healthUrls: [\"" + rig.service() + "/actuator/rollback\"]");
        ReflexRig.Revert revert = rig.breakAndAwaitRelease1(Duration.ofSeconds(30), (milestone, at) -> { });

        JsonNode done = revert.request();
        System.out.printf("instance reflex (watch.interval 1s, consecutive 2, command executor, real processes):%n"
                        + "  onset -> revert requested: %d ms (bound %d ms)%n"
                        + "  onset -> release 1 serving: %d ms (bound %d ms)%n"
                        + "  answers from the onset to release 1's first: %s%n  answers after: %s%n"
                        + "  request %s, trigger %s: %s%n  the revert command's log:%n%s",
                revert.toRequested().toMillis(), REVERT_REQUESTED_WITHIN.toMillis(), revert.toRelease1().toMillis(),
                RELEASE_1_SERVING_WITHIN.toMillis(), revert.during(), revert.after(), done.path("state").asString(),
                done.path("trigger").asString(), done.path("reason").asString(), rig.revertLog());

        assertThat(done.path("state").asString()).as("the revert's outcome: %s%n%s", done, rig.logs())
                .isEqualTo("SUCCEEDED");
        assertThat(done.path("trigger").asString()).isEqualTo("health");
        assertThat(done.path("fromVersion").asString()).isEqualTo("2.0.0");
        assertThat(revert.toRequested()).isLessThanOrEqualTo(REVERT_REQUESTED_WITHIN);
        assertThat(revert.toRelease1()).isLessThanOrEqualTo(RELEASE_1_SERVING_WITHIN);
        assertThat(revert.after().keySet()).as("every answer once release 1 serves").containsOnly("release 1");
        assertThat(revert.during().keySet()).as("what clients saw during the revert: the failing new quote (it has"
                + " no old path), no connection while release 1 starts, release 1")
                .isSubsetOf("release 2", "HTTP 500", "no connection", "release 1");
        assertThat(rig.revertLog()).contains("release 2 stopped").contains("release 1 started");
    }
}
