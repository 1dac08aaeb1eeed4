package dev.lifeboat.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.Engines;
import dev.lifeboat.testing.PgTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database a PostgreSQL purge runs on comes from the engine, with a backup's connection rules.
 * The shared server trusts local connections and so never asks for a password; what can be proven
 * against it is that the purge's connection goes through the unix socket and carries the password
 * the password file holds for that connection (what the driver sends when a server asks).
 */
class PgPurgeableTest {
    @TempDir
    Path dir;

    @Test
    void aSocketUrlConnectsThroughTheSocketWithThePasswordFromThePasswordFile() throws Exception {
        try (PgTestServer server = new PgTestServer()) {
            String name = server.createDatabase("lifeboat_purgeable");
            Path passwords = dir.resolve("pgpass");
            Files.createFile(passwords, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rw-------")));
            Files.writeString(passwords, "localhost:5432:other_db:postgres:not-this-one\n"
                    + "127.0.0.1:5432:" + name + ":postgres:not-over-tcp\n"
                    + "localhost:5432:" + name + ":postgres:from-the-file\n");
            Engines engines = new Engines(java.util.List.of(new PostgresEngine(Map.of("PGPASSFILE",
                    passwords.toString()))));
            PgPurgeable database = (PgPurgeable) engines.forSpec("postgresql://postgres@/" + name
                    + "?host=/var/run/postgresql").purgeable("postgresql://postgres@/" + name
                    + "?host=/var/run/postgresql").orElseThrow();

            assertEquals(Optional.of("from-the-file"), database.client().password(name),
                    "a socket connection is matched as localhost, as libpq matches it");
            try (Connection conn = database.connect(); Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT inet_server_addr() IS NULL, current_database()")) {
                rs.next();
                assertTrue(rs.getBoolean(1), "connected through the unix socket, not TCP");
                assertEquals(name, rs.getString(2));
            }
            assertEquals("postgresql://postgres@:5432/" + name + "?host=/var/run/postgresql",
                    database.location());
        }
    }

    @Test
    void aPasswordInTheUrlIsRefusedBeforeAnyConnection() {
        Engines engines = Engines.standard(Duration.ofSeconds(5));
        for (String spec : java.util.List.of("postgresql://app:hunter2@db.example/shop",
                "postgresql://app@db.example/shop?password=hunter2")) {
            LifeboatException refused = assertThrows(LifeboatException.class,
                    () -> engines.forSpec(spec).purgeable(spec));
            assertEquals(ExitCode.USAGE, refused.exitCode());
            assertTrue(refused.getMessage().startsWith("a password in the URL would show"), refused.getMessage());
            assertTrue(!refused.getMessage().contains("hunter2"), refused.getMessage());
        }
    }
}
