package dev.rollback.examples.checkout.reflex;

import dev.rollback.testing.RequiredServer;
import java.io.IOException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link ReflexRig} per test ({@code @RegisterExtension final ReflexRigExtension rig = new
 * ReflexRigExtension();}, then {@code rig.rig()}): before each test it skips (or, when servers are
 * required, fails) without the agent's jar and {@code setsid}, and opens a rig; after it, it closes
 * the rig, which stops every process it started.
 */
public final class ReflexRigExtension implements BeforeEachCallback, AfterEachCallback {

    /** How to get what the rig needs, for the message when it is missing. */
    static final String BUILD_HINT = "./mvnw -B -pl examples/spring-boot-checkout -am verify (builds the agent first)";

    private ReflexRig rig;

    /** Skips or fails unless the agent's jar and {@code setsid} are there. */
    public static void assumePrograms() {
        RequiredServer.assumeReachable("the agent's runnable jar " + ReflexRig.AGENT_JAR.getFileName()
                + " and setsid", BUILD_HINT, ReflexRig::requirePrograms);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        assumePrograms();
        rig = new ReflexRig();
    }

    /** @return this test's rig */
    ReflexRig rig() {
        return rig;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (rig != null) {
            rig.close();
        }
    }
}
