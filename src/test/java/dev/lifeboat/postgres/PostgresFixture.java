package dev.lifeboat.postgres;

import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgTestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test's own slice of the real server (databases and roles dropped afterwards), a CLI and a repository. */
abstract class PostgresFixture {
    @TempDir
    Path dir;
    PgTestServer server;
    Cli cli;
    Path repo;

    @BeforeEach
    void setUpServer() {
        server = new PgTestServer();
        cli = new Cli(dir.resolve("scratch"));
        repo = dir.resolve("repo");
    }

    @AfterEach
    void tearDownServer() throws Exception {
        server.close();
    }
}
