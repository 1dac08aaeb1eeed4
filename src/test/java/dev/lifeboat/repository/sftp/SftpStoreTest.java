package dev.lifeboat.repository.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.store.Store;
import dev.lifeboat.repository.store.Store.StoredObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SftpStore through the Store interface against a real SFTP server in this JVM. */
class SftpStoreTest {
    private static InJvmSftpServer server;
    private SftpStore store;
    private Path folder;

    @BeforeAll
    static void startServer() throws Exception {
        server = new InJvmSftpServer();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshStore() {
        store = server.freshStore();
        folder = server.files().resolve(store.location().replaceAll(".*/([^/?]+)\\?.*", "$1"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static void putWhole(Store store, String key, byte[] content) throws Exception {
        try (Store.Pending pending = store.put(key, content.length)) {
            pending.stream().write(content);
            pending.commit();
        }
    }

    static byte[] readAll(Store store, String key, long offset) throws Exception {
        try (InputStream in = store.open(key, offset)) {
            return in.readAllBytes();
        }
    }

    private List<Path> serverFiles() throws Exception {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aCommittedPutAppearsWholeWithPrivateModesAndFsync() throws Exception {
        byte[] content = random(1_500_000, 1);
        int syncsBefore = server.syncs();
        try (Store.Pending pending = store.put("backups/b1/data.zst", -1)) {
            OutputStream out = pending.stream();
            out.write(content, 0, 700_000);
            assertEquals(Optional.empty(), store.stat("backups/b1/data.zst"), "nothing visible before commit");
            assertEquals(List.of(), store.list(""), "the temp is not listed");
            out.write(content, 700_000, content.length - 700_000);
            pending.commit();
        }
        StoredObject stat = store.stat("backups/b1/data.zst").orElseThrow();
        assertEquals(content.length, stat.size());
        assertTrue(Duration.between(stat.modified(), Instant.now()).abs().toMinutes() < 5);
        assertArrayEquals(content, readAll(store, "backups/b1/data.zst", 0));
        assertTrue(server.syncs() > syncsBefore, "the temp was forced to disk before the rename");

        Path file = folder.resolve("backups/b1/data.zst");
        assertEquals(List.of(file), serverFiles(), "no temp is left beside it");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        for (Path dir : List.of(folder, folder.resolve("backups"), folder.resolve("backups/b1"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)),
                    dir.toString());
        }
    }

    @Test
    void closingWithoutCommitRemovesWhatWasWritten() throws Exception {
        try (Store.Pending pending = store.put("backups/b1/data.zst", -1)) {
            pending.stream().write(random(200_000, 2));
            pending.stream().flush();
        }
        assertEquals(Optional.empty(), store.stat("backups/b1/data.zst"));
        assertEquals(List.of(), store.list(""));
        assertEquals(List.of(), store.unfinished(""));
        assertEquals(List.of(), serverFiles());
    }

    @Test
    void aCommitReplacesTheOldObjectAtomically() throws Exception {
        putWhole(store, "descriptor.json", "old".getBytes(StandardCharsets.UTF_8));
        putWhole(store, "descriptor.json", "new content".getBytes(StandardCharsets.UTF_8));
        assertEquals("new content", new String(store.readSmall("descriptor.json", 100).orElseThrow(),
                StandardCharsets.UTF_8));
        assertEquals(1, serverFiles().size());
    }

    @Test
    void aShortWriteForAnAnnouncedLengthIsNotCommitted() throws Exception {
        try (Store.Pending pending = store.put("x/obj", 10)) {
            pending.stream().write(new byte[5]);
            assertThrows(IllegalStateException.class, pending::commit);
        }
        assertEquals(Optional.empty(), store.stat("x/obj"));
        assertEquals(List.of(), serverFiles());
    }

    @Test
    void putIfAbsentCreatesOnceAndNeverReplaces() throws Exception {
        assertTrue(store.putIfAbsent("locks/exclusive", "first".getBytes(StandardCharsets.UTF_8)));
        assertFalse(store.putIfAbsent("locks/exclusive", "second".getBytes(StandardCharsets.UTF_8)));
        assertEquals("first", new String(store.readSmall("locks/exclusive", 100).orElseThrow(),
                StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                folder.resolve("locks/exclusive"))));
        assertEquals(1, serverFiles().size(), "no temp is left");
    }

    @Test
    void ofTwoRacingPutIfAbsentCallersExactlyOneWins() throws Exception {
        try (SftpStore other = SftpStore.open(store.location(), server.env(), PassphrasePrompt.NONE)) {
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 25; round++) {
                    String key = "locks/lock-" + round;
                    CyclicBarrier start = new CyclicBarrier(2);
                    List<Future<Boolean>> results = new ArrayList<>();
                    for (SftpStore taker : List.of(store, other)) {
                        byte[] mine = (taker == store ? "taker one" : "taker two").getBytes(StandardCharsets.UTF_8);
                        results.add(threads.submit(() -> {
                            start.await();
                            return taker.putIfAbsent(key, mine);
                        }));
                    }
                    boolean first = results.get(0).get();
                    boolean second = results.get(1).get();
                    assertTrue(first ^ second, "round " + round + ": exactly one creates the lock");
                    assertEquals(first ? "taker one" : "taker two", new String(store.readSmall(key, 1000).orElseThrow(),
                            StandardCharsets.UTF_8), "the lock holds the winner's bytes");
                }
            } finally {
                threads.shutdownNow();
            }
        }
        assertEquals(25, serverFiles().size(), "the losers' temps are gone");
    }

    @Test
    void openReadsFromAnOffset() throws Exception {
        byte[] content = random(300_000, 3);
        putWhole(store, "backups/b/data", content);
        byte[] tail = readAll(store, "backups/b/data", 123_457);
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 123_457, content.length), tail);
        assertEquals(0, readAll(store, "backups/b/data", content.length).length);
        assertThrows(NoSuchFileException.class, () -> store.open("backups/b/missing", 0));
    }

    @Test
    void readSmallReturnsSmallObjectsAndRefusesBigOnes() throws Exception {
        putWhole(store, "small", "hello".getBytes(StandardCharsets.UTF_8));
        putWhole(store, "big", random(5000, 4));
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), store.readSmall("small", 5).orElseThrow());
        assertEquals(Optional.empty(), store.readSmall("missing", 100));
        // Foreign, not a failure: the layout marks such a manifest's backup DAMAGED and goes on.
        dev.lifeboat.repository.store.ForeignObject e = assertThrows(dev.lifeboat.repository.store.ForeignObject.class,
                () -> store.readSmall("big", 4999));
        assertTrue(e.getMessage().contains("big") && e.getMessage().contains("4999"), e.getMessage());
    }

    @Test
    void statSeesOnlyObjects() throws Exception {
        putWhole(store, "backups/b1/manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(2, store.stat("backups/b1/manifest.json").orElseThrow().size());
        assertThrows(dev.lifeboat.repository.store.ForeignObject.class, () -> store.stat("backups/b1"),
                "a folder where an object is asked for is not one, as in a folder store");
        assertEquals(Optional.empty(), store.stat("backups/b2/manifest.json"));
        Files.writeString(folder.resolve("backups/b1/.tmp-1-00000000-manifest.json"), "partial");
        assertEquals(Optional.empty(), store.stat("backups/b1/.tmp-1-00000000-manifest.json"), "temps are skipped");
    }

    @Test
    void aPlantedLinkIsRefusedNotFollowed() throws Exception {
        putWhole(store, "backups/b1/manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
        Files.createSymbolicLink(folder.resolve("backups/b1/data"), Path.of("/etc/passwd"));
        dev.lifeboat.repository.store.ForeignObject e = assertThrows(dev.lifeboat.repository.store.ForeignObject.class,
                () -> store.readSmall("backups/b1/data", 100_000));
        assertTrue(e.getMessage().contains("link"), e.getMessage());
        List<StoredObject> listed = store.list("backups/");
        assertEquals(List.of("backups/b1/data", "backups/b1/manifest.json"), listed.stream().map(StoredObject::key)
                .toList(), "listed, so that the layout can report it");
        assertTrue(listed.get(0).isForeign(), "the link is foreign");
    }

    @Test
    void listPagesThroughMoreThanAThousandObjectsInKeyOrder() throws Exception {
        Path many = Files.createDirectories(folder.resolve("backups/many"));
        for (int i = 0; i < 1200; i++) {
            Files.writeString(many.resolve(String.format("obj-%04d", i)), "x".repeat(i % 7));
        }
        Files.writeString(many.resolve(".tmp-99-0000abcd-obj-9999"), "partial");
        putWhole(store, "backups/other/manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
        putWhole(store, "locks/lock", "l".getBytes(StandardCharsets.UTF_8));

        int pagesBefore = server.readDirPages();
        List<StoredObject> listed = store.list("backups/many/");
        assertTrue(server.readDirPages() - pagesBefore > 2, "the folder came in several READDIR pages");
        assertEquals(1200, listed.size());
        assertEquals("backups/many/obj-0000", listed.get(0).key());
        assertEquals("backups/many/obj-1199", listed.get(1199).key());
        assertEquals(6, listed.get(1196).size());
        for (int i = 1; i < listed.size(); i++) {
            assertTrue(listed.get(i - 1).key().compareTo(listed.get(i).key()) < 0, "key order");
        }
        assertEquals(1202, store.list("").size());
        assertEquals(1201, store.list("backups/").size());
        assertEquals(100, store.list("backups/many/obj-10").size());
        assertEquals(List.of("backups/many/.tmp-99-0000abcd-obj-9999"),
                store.unfinished("backups/").stream().map(dev.lifeboat.repository.store.Store.Unfinished::id).toList());
        assertEquals(List.of(), store.list("nothing/here/"));
    }

    @Test
    void deleteRemovesTheObjectAndFoldersLeftEmpty() throws Exception {
        putWhole(store, "backups/b1/data", new byte[10]);
        putWhole(store, "backups/b2/data", new byte[10]);
        store.delete("backups/b1/data");
        assertEquals(Optional.empty(), store.stat("backups/b1/data"));
        assertFalse(Files.exists(folder.resolve("backups/b1")), "the empty backup folder went too");
        assertTrue(Files.exists(folder.resolve("backups/b2/data")));
        store.delete("backups/b1/data");
        store.delete("never/was");
        putWhole(store, "backups/b1/data", new byte[3]);
        assertEquals(3, store.stat("backups/b1/data").orElseThrow().size(), "a pruned folder is made again");
    }

    @Test
    void theStockSftpClientReadsWhatTheStoreWroteAndTheStoreReadsWhatItWrote(@TempDir Path local) throws Exception {
        dev.lifeboat.testing.Tools.requireTool("sftp");
        byte[] content = random(100_000, 8);
        putWhole(store, "backups/b1/data.zst", content);
        Path upload = Files.write(local.resolve("upload"), "by hand".getBytes(StandardCharsets.UTF_8));
        String dir = folder.getFileName().toString();
        String batch = "get " + dir + "/backups/b1/data.zst " + local.resolve("fetched") + "\n"
                + "put " + upload + " " + dir + "/backups/b1/by-hand\n";
        Process sftp = new ProcessBuilder("sftp", "-b", "-", "-P", String.valueOf(server.port()),
                "-i", server.keyFile().toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + server.knownHosts(),
                InJvmSftpServer.USER + "@127.0.0.1").redirectErrorStream(true).start();
        try (OutputStream in = sftp.getOutputStream()) {
            in.write(batch.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(sftp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(sftp.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, sftp.exitValue(), output);
        assertArrayEquals(content, Files.readAllBytes(local.resolve("fetched")));
        assertEquals("by hand", new String(store.readSmall("backups/b1/by-hand", 100).orElseThrow(),
                StandardCharsets.UTF_8));
    }

    @Test
    void withoutOpenSshExtensionsACommitStillReplacesAndPutIfAbsentStillCreatesOnce() throws Exception {
        try (InJvmSftpServer plain = new InJvmSftpServer()) {
            plain.withoutOpenSshExtensions();
            try (SftpStore bare = plain.freshStore()) {
                putWhole(bare, "descriptor.json", "old".getBytes(StandardCharsets.UTF_8));
                putWhole(bare, "descriptor.json", "new".getBytes(StandardCharsets.UTF_8));
                assertEquals("new", new String(bare.readSmall("descriptor.json", 10).orElseThrow(),
                        StandardCharsets.UTF_8));
                assertTrue(bare.putIfAbsent("locks/l", new byte[] {1}));
                assertFalse(bare.putIfAbsent("locks/l", new byte[] {2}));
                assertEquals(List.of("descriptor.json", "locks/l"),
                        bare.list("").stream().map(StoredObject::key).toList());
            }
            assertEquals(0, plain.syncs(), "no fsync was asked of a server that does not offer it");
        }
    }

    @Test
    void keysThatClimbOutAreRefused() {
        for (String bad : List.of("", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "a/")) {
            assertThrows(IllegalArgumentException.class, () -> store.stat(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> store.put("a/.tmp-1-2-x", 1));
        assertThrows(IllegalArgumentException.class, () -> store.list("../"));
    }
}
