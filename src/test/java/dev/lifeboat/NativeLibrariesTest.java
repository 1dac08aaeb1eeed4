package dev.lifeboat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.TestDatabases;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * The native libraries are unpacked once per version into a private folder and loaded from there;
 * a copy or folder that someone else could have written is never used.
 */
class NativeLibrariesTest {
    private static final String SQLITE = LibraryLoaderUtil.getNativeLibResourcePath() + "/"
            + LibraryLoaderUtil.getNativeLibName();
    private static final String NAME = LibraryLoaderUtil.getNativeLibName();
    @TempDir
    Path dir;

    @Test
    void aLibraryIsUnpackedOncePrivatelyAndThenReused() throws Exception {
        NativeLibraries libraries = new NativeLibraries(dir.resolve("native"));
        Path copy = libraries.copy("sqlite-jdbc-x", NAME, () -> SQLITE, SQLiteJDBCLoader.class).orElseThrow();
        assertTrue(copy.startsWith(dir.resolve("native")), copy.toString());
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(SQLITE)) {
            assertArrayEquals(in.readAllBytes(), Files.readAllBytes(copy));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.getParent())));
        Object inode = Files.readAttributes(copy, "unix:ino").get("ino");

        assertEquals(Optional.of(copy), libraries.copy("sqlite-jdbc-x", NAME, () -> SQLITE, SQLiteJDBCLoader.class));
        assertEquals(inode, Files.readAttributes(copy, "unix:ino").get("ino"), "the copy is reused, not rewritten");
        try (var files = Files.list(copy.getParent())) {
            assertEquals(List.of(copy), files.toList(), "no temp file is left");
        }
    }

    @Test
    void aCopyOthersCouldHaveWrittenIsReplacedAndAnOpenFolderIsNotUsed() throws Exception {
        NativeLibraries libraries = new NativeLibraries(dir.resolve("native"));
        Path copy = libraries.copy("v", NAME, () -> SQLITE, SQLiteJDBCLoader.class).orElseThrow();
        Files.write(copy, new byte[] {1, 2, 3});
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-rw-rw-"));
        Object inode = Files.readAttributes(copy, "unix:ino").get("ino");
        assertEquals(Optional.of(copy), libraries.copy("v", NAME, () -> SQLITE, SQLiteJDBCLoader.class));
        assertNotEquals(inode, Files.readAttributes(copy, "unix:ino").get("ino"), "a fresh copy took its place");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        assertTrue(Files.size(copy) > 100_000);

        Files.setPosixFilePermissions(copy.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), libraries.copy("v", NAME, () -> SQLITE, SQLiteJDBCLoader.class));
        Path link = dir.resolve("linked");
        Files.createSymbolicLink(link, dir.resolve("native"));
        assertEquals(Optional.empty(), new NativeLibraries(link).copy("w", NAME, () -> SQLITE,
                SQLiteJDBCLoader.class),
                "a linked folder is not followed");
        try (var entries = Files.list(dir.resolve("native"))) {
            assertEquals(1, entries.count(), "nothing was made through the link");
        }
    }

    @Test
    void aPlatformWithoutALibraryInTheJarGetsNone() {
        assertEquals(Optional.empty(), new NativeLibraries(dir).copy("v", NAME,
                () -> "/org/sqlite/native/Plan9/mips/libsqlitejdbc.so", SQLiteJDBCLoader.class));
    }

    /** The real command in its own JVM: it loads both libraries from the state folder, unpacked by its first run. */
    @Test
    void aCommandLoadsTheLibrariesFromTheStateFolder() throws Exception {
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 10).close();
        Path state = dir.resolve("state");
        Map<String, String> env = Map.of("LIFEBOAT_STATE_DIR", state.toString(), "LIFEBOAT_SCRATCH_DIR",
                dir.resolve("scratch").toString());
        String first = backUp(env, db, "first.log");
        Path native_ = state.resolve("native");
        for (String library : List.of("libsqlitejdbc.so", "libzstd-jni-")) {
            assertTrue(first.lines().anyMatch(l -> l.contains("Loaded library " + native_) && l.contains(library)),
                    library + " from " + native_ + ":\n" + first);
        }
        Path sqlite;
        try (var found = Files.walk(native_)) {
            sqlite = found.filter(p -> p.endsWith("libsqlitejdbc.so")).findFirst().orElseThrow();
        }
        Object inode = Files.readAttributes(sqlite, "unix:ino").get("ino");
        String second = backUp(env, db, "second.log");
        assertTrue(second.contains("Loaded library " + sqlite), second);
        assertEquals(inode, Files.readAttributes(sqlite, "unix:ino").get("ino"), "unpacked once");
    }

    private String backUp(Map<String, String> env, Path db, String log) throws Exception {
        Process process = ChildJvm.start(List.of("-Xlog:library=info"), env, dir.resolve(log), "backup",
                db.toString(), "--repo", dir.resolve("repo").toString(), "--no-encrypt");
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String output = Files.readString(dir.resolve(log));
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
