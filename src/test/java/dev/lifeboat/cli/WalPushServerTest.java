package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running Lifeboat archives the wal-push a launcher hands it, as the launcher's own JVM would
 * (its working directory, its relative paths), and declines whatever that JVM must do itself:
 * another environment, a failing push, a passphrase; a launcher finds no server once it closed or
 * died, and runs Java. Driven through the launchers' own shell function.
 */
class WalPushServerTest {
    private static final Path HAND_OFF = Path.of("packaging/share/wal-push-hand-off.sh").toAbsolutePath();
    @TempDir
    Path dir;
    private Path data;
    private Map<String, String> env;
    private AgeCli.Key key;

    @BeforeEach
    void cluster() throws Exception {
        data = dir.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("pg_wal"));
        Files.write(data.resolve("global").resolve("pg_control"), new byte[] {1, 2, 3, 4, 5, 6, 7, 0});
        Files.writeString(data.resolve("pg_wal").resolve("000000010000000000000001"), "one".repeat(999));
        Files.writeString(data.resolve("pg_wal").resolve("000000010000000000000002"), "two".repeat(999));
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        env = new HashMap<>(System.getenv());
        env.put("LIFEBOAT_RUNTIME_DIR", runtime.toString());
        env.put("LIFEBOAT_STATE_DIR", dir.resolve("state").toString());
        key = new AgeCli(dir).keygen("key");
    }

    /** The launchers' hand-off, run in the data directory as archive_command is: "handed" or "declined". */
    private Tools.Output handOff(Map<String, String> extra, String... args) {
        Map<String, String> childEnv = new HashMap<>(env);
        childEnv.putAll(extra);
        List<String> command = new ArrayList<>(List.of("sh", "-c", "cd " + data + " && . " + HAND_OFF
                + " && if lifeboat_hand_off \"$@\"; then echo handed; else echo declined; fi", "sh"));
        command.addAll(List.of(args));
        return Tools.run(command, childEnv, null);
    }

    @Test
    void aRunningLifeboatArchivesTheHandedFileAsItsOwnJvmWould() throws Exception {
        try (WalPushServer server = WalPushServer.start(env).orElseThrow()) {
            Tools.Output pushed = handOff(Map.of(), "wal-push", "pg_wal/000000010000000000000001", "--repo", "repo",
                    "--recipient", key.publicKey());
            assertEquals("handed\n", pushed.out(), pushed.toString());
            assertTrue(pushed.err().contains("archived 000000010000000000000001"), pushed.err());
            assertEquals(1, server.served());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    WalPushServer.folder(env).resolve("server.pid"))));
            // --repo was relative: it is the data directory's, as for PostgreSQL's own wal-push
            try (var stored = Files.walk(data.resolve("repo").resolve("wal"))) {
                assertTrue(stored.anyMatch(p -> p.getFileName().toString().equals(
                        "000000010000000000000001.wal.zst.age")));
            }
            // a second server of the same user does not start while this one serves
            assertEquals(Optional.empty(), WalPushServer.start(env));

            // Declined, for the launcher's own JVM: another environment, a failing push, a passphrase.
            assertEquals("declined\n", handOff(Map.of("LIFEBOAT_UPLOAD_ATTEMPTS", "2"), "wal-push",
                    "pg_wal/000000010000000000000002", "--repo", "repo", "--recipient", key.publicKey()).out());
            assertEquals("declined\n", handOff(Map.of(), "wal-push", "pg_wal/000000010000000000000002", "--repo",
                    "repo", "--no-encrypt").out(), "a plain push into a pinned repository fails");
            assertEquals("declined\n", handOff(Map.of("PASS", "secret"), "wal-push", "pg_wal/000000010000000000000002",
                    "--repo", "other", "--passphrase-env", "PASS").out());
            assertEquals("declined\n", handOff(Map.of(), "wal-push", "pg_wal/000000010000000000000009", "--repo",
                    "repo", "--recipient", key.publicKey()).out(), "no such file");
            assertEquals(1, server.served());
            assertFalse(Files.exists(data.resolve("other")));
        }
        Path runtime = WalPushServer.folder(env);
        try (var left = Files.list(runtime)) {
            assertEquals(List.of(), left.toList(), "nothing is left in " + runtime);
        }
        assertEquals("declined\n", handOff(Map.of(), "wal-push", "pg_wal/000000010000000000000002", "--repo", "repo",
                "--recipient", key.publicKey()).out(), "no server any more");
    }

    /** The daemon of a config with a physical job serves as long as it runs (as the OS user PostgreSQL runs as). */
    @Test
    void theDaemonOfAPhysicalJobServesUntilItStops() throws Exception {
        Path config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  cluster:
                    source: postgresql://postgres@127.0.0.1:5432/postgres
                    source-options: { physical: true }
                    repositories: [ "%s" ]
                    encryption: none
                    schedule: "0 3 * * *"
                """.formatted(dir.resolve("repo")));
        Path log = dir.resolve("daemon.log");
        Map<String, String> daemonEnv = Map.of("LIFEBOAT_RUNTIME_DIR", env.get("LIFEBOAT_RUNTIME_DIR"),
                "LIFEBOAT_STATE_DIR", env.get("LIFEBOAT_STATE_DIR"));
        Process daemon = dev.lifeboat.testing.ChildJvm.start(daemonEnv, log, "daemon", "--config", config.toString());
        try {
            Path pid = WalPushServer.folder(env).resolve("server.pid");
            for (int i = 0; i < 300 && !Files.exists(pid); i++) {
                Thread.sleep(50);
            }
            assertEquals(daemon.pid() + "\n", Files.readString(pid), Files.readString(log));
            Tools.Output pushed = handOff(Map.of(), "wal-push", "pg_wal/000000010000000000000001", "--repo", "repo",
                    "--recipient", key.publicKey());
            assertEquals("handed\n", pushed.out(), pushed + Files.readString(log));
        } finally {
            new ProcessBuilder("kill", "-TERM", Long.toString(daemon.pid())).start().waitFor();
            daemon.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertFalse(Files.exists(WalPushServer.folder(env).resolve("server.pid")), "the daemon stopped serving");
    }

    @Test
    void aServerThatDiedIsNotWaitedForAndAFolderOthersCanWriteIsNotServed() throws Exception {
        Path runtime = WalPushServer.folder(env);
        Files.createDirectories(runtime);
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(runtime.resolve("server.pid"), gone.pid() + "\n");
        long started = System.nanoTime();
        assertEquals("declined\n", handOff(Map.of(), "wal-push", "pg_wal/000000010000000000000001", "--repo", "repo",
                "--recipient", key.publicKey()).out());
        assertTrue(System.nanoTime() - started < 1_000_000_000L, "not waited for");
        // its leftover pid file is taken over
        try (WalPushServer server = WalPushServer.start(env).orElseThrow()) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(runtime.resolve("server.pid")));
        }

        // a server killed while a launcher waits: the launcher notices at once and runs Java itself
        Process server = new ProcessBuilder("sleep", "30").start();
        Files.writeString(runtime.resolve("server.pid"), server.pid() + "\n");
        java.util.concurrent.CompletableFuture<Tools.Output> waiting = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> handOff(Map.of(), "wal-push", "pg_wal/000000010000000000000001", "--repo", "repo",
                        "--recipient", key.publicKey()));
        Thread.sleep(300);
        try (var requests = Files.list(runtime)) {
            Path request = requests.filter(p -> p.toString().endsWith(".want")).findFirst().orElseThrow();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(request)));
        }
        started = System.nanoTime();
        server.destroyForcibly().waitFor();
        assertEquals("declined\n", waiting.get().out());
        assertTrue(System.nanoTime() - started < 1_000_000_000L, "not waited for once it died");
        try (var left = Files.list(runtime)) {
            assertEquals(List.of("server.pid"), left.map(p -> p.getFileName().toString()).toList(),
                    "the launcher took its request back");
        }

        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), WalPushServer.start(env), "others could write requests there");
    }
}
