package dev.lifeboat.purge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL purge job connects exactly as a backup does: through a unix socket folder given as
 * {@code ?host=/dir}, with the password from PGPASSFILE (~/.pgpass), and never with a password
 * written into the URL, which is refused in one line that does not show it.
 */
class PurgeConnectionTest {
    private static final String RULES = "      - { table: visits, column: at, older-than: 30d }\n";
    @TempDir
    Path dir;

    /**
     * The shared server trusts local connections, so it never asks for the password the file
     * holds: this proves the socket route end to end ({@code PgPurgeableTest} proves the purge's
     * connection carries the file's password). The rule deletes only in a session that came
     * through a unix socket, where the server has no address of its own to report.
     */
    @Test
    void aPurgeJobReachesTheServerThroughItsSocketFolderWithAPasswordFile() throws Exception {
        try (PgTestServer server = new PgTestServer()) {
            String name = server.createDatabase("lifeboat_purge_socket");
            PgTestServer.execute(name, "CREATE TABLE visits(id int PRIMARY KEY, at timestamptz)",
                    "INSERT INTO visits VALUES (1, now() - interval '90 days'), (2, now())");
            Path config = PurgeFiles.purgeConfig(dir, "postgresql://postgres@/" + name + "?host=/var/run/postgresql",
                    "      - { table: visits, column: at, older-than: 30d, where: \"inet_server_addr() IS NULL\" }\n");
            Cli.Result result = cli(passwordFile("localhost:5432:" + name + ":postgres:from-the-file-61"))
                    .run("run", "gdpr", "--config", config.toString());
            assertEquals(0, result.exit(), result.toString());
            assertTrue(result.out().contains("deleted 1 row(s) from visits"), "over the socket: " + result.out());
            assertEquals(1, PgTestServer.count(name, "visits"));
            assertFalse((result.out() + result.err()).contains("from-the-file-61"));
        }
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithOneLineThatNeverShowsIt() throws Exception {
        for (String source : List.of("postgresql://postgres:secret-pw-29@127.0.0.1:5432/shop",
                "postgresql://postgres@127.0.0.1:5432/shop?password=secret-pw-29")) {
            Path config = config(source);
            for (String[] args : List.of(new String[] {"run", "gdpr", "--config", config.toString()},
                    new String[] {"config", "check", "--config", config.toString()})) {
                Cli.Result result = cli(dir.resolve("missing.pgpass")).run(args);
                assertEquals(2, result.exit(), result.toString());
                List<String> lines = result.err().lines().filter(l -> l.contains("password")).toList();
                assertEquals(1, lines.size(), result.toString());
                assertTrue(lines.get(0).contains(config + ":4:"), lines.get(0));
                assertTrue(lines.get(0).contains("jobs.gdpr.source"), lines.get(0));
                assertEquals(1, result.err().lines().filter(l -> l.startsWith("lifeboat: ")).count(), result.err());
                assertFalse((result.out() + result.err()).contains("secret-pw-29"), "never shown: " + result);
            }
        }
    }

    private Path passwordFile(String line) throws Exception {
        Path file = dir.resolve("pgpass");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "# host:port:database:user:password\n" + line + "\n");
        return file;
    }

    private Cli cli(Path passwordFile) {
        return new Cli(dir.resolve("scratch")).env("PGPASSFILE", passwordFile.toString());
    }

    private Path config(String source) throws Exception {
        return PurgeFiles.purgeConfig(dir, source, RULES);
    }
}
