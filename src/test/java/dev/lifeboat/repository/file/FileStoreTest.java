package dev.lifeboat.repository.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.StoreRepository;
import dev.lifeboat.repository.store.ForeignObject;
import dev.lifeboat.repository.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only a folder can do wrong: links planted on the way to a key, modes, a file where the root belongs. */
class FileStoreTest {
    @TempDir
    Path dir;

    @Test
    void everythingItCreatesIsPrivateWhateverTheUmask() throws Exception {
        FileStore store = new FileStore(dir.resolve("root"));
        store.put("a/b/object", "x".getBytes(StandardCharsets.UTF_8));
        store.putIfAbsent("locks/one.lock", "y".getBytes(StandardCharsets.UTF_8));
        for (String path : List.of("root", "root/a", "root/a/b", "root/locks")) {
            assertEquals("rwx------", mode(dir.resolve(path)), path);
        }
        assertEquals("rw-------", mode(dir.resolve("root/a/b/object")));
        assertEquals("rw-------", mode(dir.resolve("root/locks/one.lock")));
    }

    @Test
    void aLinkOnTheWayToAKeyIsNeverFollowedAndARepositorysOwnFolderAsALinkIsOneLine() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("manifest.json"), "outside");
        Path root = Files.createDirectories(dir.resolve("root"));
        FileStore store = new FileStore(root);
        try (StoreRepository repository = new StoreRepository(store, Clock.systemUTC())) {
            repository.create();
            Files.createSymbolicLink(root.resolve("backups"), outside);
            Files.createSymbolicLink(root.resolve("locks"), outside);
            assertThrows(ForeignObject.class, () -> store.readSmall("backups/manifest.json", 100));
            assertThrows(ForeignObject.class, () -> store.put("backups/new", -1));
            assertThrows(ForeignObject.class, () -> store.delete("backups/manifest.json"));
            assertThrows(ForeignObject.class, () -> store.list("backups/"));
            for (LifeboatException e : List.of(assertThrows(LifeboatException.class, repository::contents),
                    assertThrows(LifeboatException.class, () -> repository.lock("database-app", "backup")))) {
                assertEquals(ExitCode.REPOSITORY, e.exitCode());
                assertTrue(e.getMessage().contains("is a symbolic link") && !e.getMessage().contains("\n"),
                        e.getMessage());
            }
        }
        assertEquals(List.of("manifest.json"), List.of(outside.toFile().list()), "nothing was written outside");
        assertEquals("outside", Files.readString(outside.resolve("manifest.json")));
    }

    @Test
    void linksAndFoldersUnderAKeyAreListedAsForeignAndNeverRead() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/b"));
        Files.writeString(dir.resolve("secret"), "secret");
        Files.createSymbolicLink(root.resolve("link"), dir.resolve("secret"));
        Files.createDirectories(root.resolve("folder"));
        FileStore store = new FileStore(dir.resolve("root"));
        List<Store.StoredObject> listed = store.list("b/");
        assertEquals(List.of("b/link"), listed.stream().map(Store.StoredObject::key).toList());
        assertTrue(listed.get(0).isForeign());
        assertThrows(ForeignObject.class, () -> store.readSmall("b/link", 100));
        assertThrows(ForeignObject.class, () -> store.open("b/link", 0));
        assertThrows(ForeignObject.class, () -> store.stat("b/folder"));
        store.delete("b/link");
        assertEquals("secret", Files.readString(dir.resolve("secret")), "a link is removed as a link");
        assertEquals(Optional.empty(), store.stat("b/link"));
    }

    @Test
    void aFileWhereTheRootBelongsIsOneLineAndAFailedFirstBackupLeavesNoFolder() throws Exception {
        Files.writeString(dir.resolve("file"), "not a folder");
        LifeboatException e = assertThrows(LifeboatException.class,
                () -> new StoreRepository(new FileStore(dir.resolve("file")), Clock.systemUTC()).create());
        assertTrue(e.getMessage().contains("is a file, not a folder"), e.getMessage());

        Path fresh = dir.resolve("fresh");
        StoreRepository repository = new StoreRepository(new FileStore(fresh), Clock.systemUTC());
        repository.create();
        repository.startUpload("20261202T100000Z-aaaaaa", "snapshot.sqlite.zst").close();
        repository.removeIfEmpty();
        assertFalse(Files.exists(fresh), "the folder the first backup made is gone again");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
