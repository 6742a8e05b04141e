package dev.rollback.agent.request;

import dev.rollback.testing.RequiredServer;
import dev.rollback.testing.TestPostgresServer;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store on PostgreSQL: skipped when the server cannot be reached, unless
 * {@code rollback.it.required=true} (see {@link RequiredServer}). Its tables
 * ({@code rollback_agent_*}) are the agent's own; they are dropped before the class runs.
 */
class JdbcRequestStorePostgresTest extends RequestStoreContract {

    @BeforeAll
    static void dropTables() throws Exception {
        if (TestPostgresServer.isReachable()) {
            TestPostgresServer.execute("DROP TABLE IF EXISTS rollback_agent_request",
                    "DROP TABLE IF EXISTS rollback_agent_dedupe");
        }
    }

    @Override
    protected void beforeOpen() {
        TestPostgresServer.assumeReachable();
    }

    @Override
    protected JdbcRequestStore open() {
        return new JdbcRequestStore(TestPostgresServer.URL, TestPostgresServer.USER, TestPostgresServer.PASSWORD);
    }
}
