package dev.lifeboat;

import com.github.luben.zstd.util.Native;
import com.github.luben.zstd.util.ZstdVersion;
import dev.lifeboat.repository.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * sqlite-jdbc's and zstd-jni's native libraries, unpacked once per library version into a private
 * folder (the state folder's {@code native/}) and loaded from there. Left to themselves, both
 * unpack their library (about 1 MB each) into the temp folder on every run, and sqlite-jdbc then
 * compares the copy with the jar's byte by byte: a good part of a small command's CPU time.
 *
 * <p>A copy is written under a temp name and renamed, so it is whole or absent; it is used only
 * while it and its folder are this user's and writable by no one else. Anything unusual (a folder
 * that cannot be made, a copy that will not load, a platform whose library is not in the jar)
 * leaves the loading to the library itself, as before.
 */
public final class NativeLibraries {
    /**
     * Held while sqlite-jdbc's system properties point at the unpacked copy. The SQLCipher driver is a
     * fork of sqlite-jdbc that reads the same properties, so it must not initialise meanwhile
     * (see {@code IsolatedDriver}), or it would load plain SQLite's library instead of its own.
     */
    public static final Object SQLITE_PROPERTIES = new Object();
    private static final String SQLITE_PATH = "org.sqlite.lib.path";
    private static final String SQLITE_NAME = "org.sqlite.lib.name";
    private final Path folder;
    private final long uid;

    /** @param folder where the unpacked libraries live, one subfolder per library version and platform */
    public NativeLibraries(Path folder) {
        this.folder = folder.toAbsolutePath();
        this.uid = new com.sun.security.auth.module.UnixSystem().getUid();
    }

    /**
     * Points sqlite-jdbc's loader at the unpacked copy (unpacking it first if needed), so that
     * whichever thread opens the first connection loads that copy; {@link #loadSqlite()} stops
     * pointing at it. Cheap once the copy exists: it is found by version and platform without
     * asking sqlite-jdbc which library the platform needs (which runs {@code uname}).
     */
    public void pointSqliteAtCopy() {
        Optional<Path> copy = copy("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion(), System.mapLibraryName("sqlitejdbc"),
                () -> LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName(),
                SQLiteJDBCLoader.class);
        copy.ifPresent(file -> {
            synchronized (SQLITE_PROPERTIES) {
                System.setProperty(SQLITE_PATH, file.getParent().toString());
                System.setProperty(SQLITE_NAME, file.getFileName().toString());
            }
        });
    }

    /**
     * Loads sqlite-jdbc's library (what its first connection would otherwise do), from the copy if
     * {@link #pointSqliteAtCopy()} found one, and then stops pointing at the copy. Called before the
     * SQLCipher driver loads.
     */
    public static void loadSqlite() {
        synchronized (SQLITE_PROPERTIES) {
            try {
                SQLiteJDBCLoader.initialize();
            } catch (Exception e) {
                // the first connection reports it, with its cause
            } finally {
                System.clearProperty(SQLITE_PATH);
                System.clearProperty(SQLITE_NAME);
            }
        }
    }

    /** Loads zstd-jni's library (what its first stream would otherwise do), from the copy where there is one. */
    public void loadZstd() {
        if (Native.isLoaded()) {
            return;
        }
        String name = System.mapLibraryName("zstd-jni-" + ZstdVersion.VERSION);
        Optional<Path> copy = copy("zstd-jni-" + ZstdVersion.VERSION, name, () -> "/" + System.getProperty("os.name")
                .toLowerCase(Locale.ROOT).replace(' ', '_') + "/" + System.getProperty("os.arch") + "/" + name,
                Native.class);
        if (copy.isPresent() && load(copy.get())) {
            Native.assumeLoaded();
        } else {
            Native.load();
        }
    }

    private static boolean load(Path library) {
        try {
            System.load(library.toString());
            return true;
        } catch (UnsatisfiedLinkError e) {
            // e.g. a folder mounted noexec: the library's own loader unpacks into the temp folder instead
            return false;
        }
    }

    /**
     * The copy of library {@code name} of this {@code version} for this platform, unpacked now
     * from the jar's {@code resource} if it is not there yet; empty when the jar has no such
     * library or no trustworthy copy can be had.
     */
    Optional<Path> copy(String version, String name, java.util.function.Supplier<String> resource, Class<?> owner) {
        Path dir = folder.resolve((version + "-" + System.getProperty("os.name") + "-" + System.getProperty("os.arch"))
                .replaceAll("[^A-Za-z0-9._-]+", "_"));
        Path file = dir.resolve(name);
        try {
            if (ours(folder) && ours(dir) && ours(file)) {
                return Optional.of(file);
            }
            try (InputStream in = owner.getResourceAsStream(resource.get())) {
                if (in == null) {
                    return Optional.empty();
                }
                DurableFiles.createPrivateDirectories(folder);
                if (!ours(folder)) {
                    return Optional.empty();
                }
                DurableFiles.createPrivateDirectories(dir);
                if (!ours(dir)) {
                    return Optional.empty();
                }
                Path temp = DurableFiles.tempSibling(file);
                try {
                    try (var out = Channels.newOutputStream(FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE), DurableFiles.privateFile()))) {
                        in.transferTo(out);
                    }
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            return ours(file) ? Optional.of(file) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** True for an existing file or folder (not a link) of this user that no one else may write to. */
    private boolean ours(Path path) throws IOException {
        java.util.Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(path, "unix:uid,mode,isRegularFile,isDirectory", LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        return (Boolean.TRUE.equals(attributes.get("isRegularFile")) || Boolean.TRUE.equals(attributes.get("isDirectory")))
                && ((Integer) attributes.get("uid")) == uid && (((Integer) attributes.get("mode")) & 022) == 0;
    }
}
