package dev.lifeboat.repository.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.RepositoryUnavailable;
import dev.lifeboat.repository.store.Store;
import dev.lifeboat.repository.store.Store.StoredObject;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Servers that crash, stall, refuse, fill up or forbid: one line each, and nothing half-written visible. */
class SftpFaultsTest {
    private InJvmSftpServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new InJvmSftpServer();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private SftpStore open(String folder, String... options) {
        return SftpStore.open(server.url(folder, options), server.env(), PassphrasePrompt.NONE, Duration.ofMillis(100));
    }

    private List<Path> filesUnder(String folder) throws Exception {
        try (Stream<Path> walk = Files.walk(server.files().resolve(folder))) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aServerKilledMidUploadLeavesNoObjectOnlyATempForTheSweep() throws Exception {
        byte[] chunk = SftpStoreTest.random(1 << 20, 5);
        try (SftpStore store = open("killed", "retries=0", "timeout=2s")) {
            store.putIfAbsent("lifeboat-repository.json", "{}".getBytes(StandardCharsets.UTF_8));
            Store.Pending pending = store.put("backups/b1/data.zst", -1);
            pending.stream().write(chunk);
            pending.stream().flush();
            server.kill();
            LifeboatException e = assertThrows(LifeboatException.class, () -> {
                for (int i = 0; i < 20; i++) {
                    pending.stream().write(chunk);
                }
                pending.commit();
            });
            assertInstanceOf(RepositoryUnavailable.class, e, e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
            pending.close();
        }
        server.restart();
        try (SftpStore store = open("killed", "retries=0")) {
            assertEquals(List.of("lifeboat-repository.json"), store.list("").stream().map(StoredObject::key).toList());
            assertEquals(Optional.empty(), store.stat("backups/b1/data.zst"));
            List<dev.lifeboat.repository.store.Store.Unfinished> leftovers = store.unfinished("");
            assertEquals(1, leftovers.size());
            String temp = leftovers.get(0).id();
            assertTrue(temp.startsWith("backups/b1/.tmp-" + ProcessHandle.current().pid() + "-")
                    && temp.endsWith("-data.zst"), temp);
            assertEquals("backups/b1/data.zst", leftovers.get(0).key(), "what the put was meant to become");
            store.abort(leftovers.get(0));
            assertEquals(List.of(), store.unfinished(""));
            assertEquals(List.of(server.files().resolve("killed/lifeboat-repository.json")), filesUnder("killed"));
        }
    }

    @Test
    void aBrokenConnectionIsRetriedOnANewOne() throws Exception {
        try (SftpStore store = open("retried", "retries=4")) {
            SftpStoreTest.putWhole(store, "backups/b1/data", "payload".getBytes(StandardCharsets.UTF_8));
            server.kill();
            Thread restart = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    server.restart();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            restart.start();
            assertEquals(1, store.list("backups/").size(), "the listing waited for the server to come back");
            restart.join();
            assertArrayEquals("payload".getBytes(StandardCharsets.UTF_8),
                    SftpStoreTest.readAll(store, "backups/b1/data", 0));
        }
    }

    @Test
    void aReadCutOffMidWayResumesAtTheSameByte() throws Exception {
        byte[] content = SftpStoreTest.random(3 << 20, 6);
        try (SftpStore store = open("resumed", "retries=2")) {
            SftpStoreTest.putWhole(store, "backups/b1/data", content);
            try (InputStream in = store.open("backups/b1/data", 1000)) {
                byte[] head = in.readNBytes(100_000);
                server.kill();
                server.restart();
                byte[] rest = in.readAllBytes();
                byte[] all = new byte[head.length + rest.length];
                System.arraycopy(head, 0, all, 0, head.length);
                System.arraycopy(rest, 0, all, head.length, rest.length);
                assertArrayEquals(java.util.Arrays.copyOfRange(content, 1000, content.length), all);
            }
        }
    }

    @Test
    void aRefusedConnectionIsOneLineAfterTheRetries() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String url = "sftp://lifeboat@127.0.0.1:" + port + "/x?retries=1";
        try (SftpStore store = SftpStore.open(url, server.env(), PassphrasePrompt.NONE, Duration.ofMillis(50))) {
            LifeboatException e = assertThrows(LifeboatException.class, () -> store.list(""));
            assertInstanceOf(RepositoryUnavailable.class, e);
            assertEquals(ExitCode.REPOSITORY, e.exitCode());
            assertEquals("cannot connect to 127.0.0.1:" + port + " while listing the repository (1 retries): connection"
                    + " refused; check that the SSH server is up and the port in the repository URL", e.getMessage());
        }
    }

    @Test
    void anUnknownHostNameIsOneLine() {
        try (SftpStore store = SftpStore.open("sftp://lifeboat@no-such-host.invalid/x?retries=3", server.env(),
                PassphrasePrompt.NONE)) {
            LifeboatException e = assertThrows(LifeboatException.class, () -> store.stat("a"));
            assertFalse(e instanceof RepositoryUnavailable, "not worth retrying: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("unknown host 'no-such-host.invalid'"), e.getMessage());
        }
    }

    @Test
    void aServerThatNeverSpeaksTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            String url = "sftp://lifeboat@127.0.0.1:" + silent.getLocalPort()
                    + "/x?retries=0&connect-timeout=1s&timeout=1s";
            try (SftpStore store = SftpStore.open(url, server.env(), PassphrasePrompt.NONE)) {
                long start = System.nanoTime();
                LifeboatException e = assertThrows(LifeboatException.class, () -> store.list(""));
                assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
                assertInstanceOf(RepositoryUnavailable.class, e);
                assertTrue(e.getMessage().contains("did not let us connect and log in in time while listing")
                        && e.getMessage().contains("connect-timeout 1 s")
                        && e.getMessage().contains("raise connect-timeout="), e.getMessage());
            }
        }
    }

    @Test
    void aStalledRequestTimesOutAndTheNextCallGetsAFreshConnection() throws Exception {
        try (SftpStore store = open("stalled", "retries=0", "timeout=1s", "connect-timeout=20s")) {
            SftpStoreTest.putWhole(store, "a", new byte[] {7});
            server.stall(Duration.ofMillis(2500));
            long start = System.nanoTime();
            LifeboatException e = assertThrows(LifeboatException.class, () -> store.stat("a"));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2400, "gave up before the answer came");
            assertInstanceOf(RepositoryUnavailable.class, e);
            assertTrue(e.getMessage().contains("did not answer in time while checking a"), e.getMessage());
            server.stall(Duration.ZERO);
            assertEquals(1, store.stat("a").orElseThrow().size());
        }
    }

    @Test
    void aQuietConnectionIsKeptAliveByKeepalives() throws Exception {
        try (SftpStore store = open("quiet", "retries=0", "timeout=1s", "connect-timeout=20s")) {
            SftpStoreTest.putWhole(store, "a", new byte[] {7});
            Thread.sleep(2500);
            assertEquals(1, store.stat("a").orElseThrow().size());
        }
    }

    @Test
    void aReadOnlyFolderOnTheServerIsPermissionDenied() throws Exception {
        try (SftpStore store = open("readonly", "retries=0")) {
            SftpStoreTest.putWhole(store, "backups/b1/manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
            Path dir = server.files().resolve("readonly/backups/b1");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
            LifeboatException e = assertThrows(LifeboatException.class, () -> store.put("backups/b1/data", -1));
            assertEquals(ExitCode.REPOSITORY, e.exitCode());
            assertFalse(e instanceof RepositoryUnavailable);
            assertTrue(e.getMessage().startsWith("permission denied on 127.0.0.1:" + server.port())
                    && e.getMessage().contains("while writing backups/b1/data")
                    && e.getMessage().contains("let user 'lifeboat' read and write that folder"), e.getMessage());
            assertThrows(LifeboatException.class, () -> store.putIfAbsent("backups/b1/lock", new byte[1]));
            assertThrows(LifeboatException.class, () -> store.delete("backups/b1/manifest.json"));
            assertEquals(2, store.stat("backups/b1/manifest.json").orElseThrow().size(), "reading still works");
            assertEquals(List.of(dir.resolve("manifest.json")), filesUnder("readonly"));
        }
    }

    @Test
    void aFullServerIsOneLineAndLeavesNothing() throws Exception {
        try (SftpStore store = open("full", "retries=0")) {
            store.putIfAbsent("lifeboat-repository.json", "{}".getBytes(StandardCharsets.UTF_8));
            server.spaceLeft(300_000);
            LifeboatException e = assertThrows(LifeboatException.class, () -> {
                try (Store.Pending pending = store.put("backups/b1/data", -1)) {
                    pending.stream().write(SftpStoreTest.random(1 << 20, 7));
                    pending.commit();
                }
            });
            assertEquals(ExitCode.REPOSITORY, e.exitCode());
            assertTrue(e.getMessage().startsWith("the SFTP server 127.0.0.1:" + server.port()) && e.getMessage()
                    .contains("is full (no space left or over quota) while"), e.getMessage());
            assertEquals(Optional.empty(), store.stat("backups/b1/data"));
            assertEquals(List.of(server.files().resolve("full/lifeboat-repository.json")), filesUnder("full"));
        }
    }

    @Test
    void aPathThroughAFileIsNamedAsMissing() throws Exception {
        Files.writeString(server.files().resolve("blocker"), "not a folder");
        try (SftpStore store = open("blocker/repo", "retries=0")) {
            LifeboatException e = assertThrows(LifeboatException.class,
                    () -> store.putIfAbsent("lifeboat-repository.json", new byte[1]));
            assertEquals(ExitCode.NOT_FOUND, e.exitCode(), e.getMessage());
            assertTrue(e.getMessage().contains("'blocker/repo' is missing or is a file"), e.getMessage());
            assertEquals(List.of(), store.list(""), "listing a repository that is not there finds nothing");
        }
    }

    @Test
    void anAbsolutePathAndTheLoginFolderAreBothReachable() throws Exception {
        try (SftpStore absolute = SftpStore.open("sftp://lifeboat@127.0.0.1:" + server.port() + "//abs/repo?retries=0",
                server.env(), PassphrasePrompt.NONE)) {
            absolute.putIfAbsent("k", new byte[] {1});
        }
        assertTrue(Files.exists(server.files().resolve("abs/repo/k")), "// is the server's root");
        try (SftpStore home = SftpStore.open("sftp://lifeboat@127.0.0.1:" + server.port() + "?retries=0",
                server.env(), PassphrasePrompt.NONE)) {
            assertEquals(List.of("abs/repo/k"), home.list("abs/").stream().map(StoredObject::key).toList());
        }
    }
}
