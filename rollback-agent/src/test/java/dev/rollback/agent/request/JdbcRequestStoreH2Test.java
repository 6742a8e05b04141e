package dev.rollback.agent.request;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class JdbcRequestStoreH2Test extends RequestStoreContract {

    @TempDir
    static Path dir;

    @Override
    protected JdbcRequestStore open() {
        return new JdbcRequestStore("jdbc:h2:file:" + dir.resolve("store") + ";DB_CLOSE_ON_EXIT=FALSE", "", "");
    }
}
