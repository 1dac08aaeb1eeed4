package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.Side;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.NoSpace;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.scratch.ScratchSpace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Driver;
import java.util.HexFormat;
import java.util.Set;

/**
 * SQLite3MultipleCiphers' JDBC driver (io.github.willena:sqlite-jdbc), the one SQLCipher-capable
 * driver on Maven Central, kept apart from everything else.
 *
 * <p>Why apart: it is a fork of org.xerial:sqlite-jdbc with the very same {@code org.sqlite}
 * classes, built on an older SQLite (3.40.1). On one class path whichever jar came first would
 * serve both engines, and plain SQLite must stay on xerial's current SQLite. So the build copies
 * the jar untouched into our classes as a resource (see pom.xml); here it is written once into a
 * private folder under a name that carries its SHA-256 (checked on every use, so a swapped file is
 * never loaded), and loaded by its own URLClassLoader whose parent is the platform class loader:
 * it sees java.sql and nothing of ours or xerial's. This works the same from target/classes and
 * from inside the shaded jar, because the nested jar is only ever read as a resource stream.
 *
 * <p>Lifeboat uses the driver only through java.sql interfaces. The single reflective step is
 * creating its {@code org.sqlite.JDBC} by name, since no class on our class path may name it.
 * Its native library is extracted under a versioned, random file name, so it never clashes with
 * xerial's. Its static initialiser also registers it with DriverManager, but DriverManager gives a
 * driver only to callers whose class loader sees that same class, so plain {@code jdbc:sqlite:}
 * connections keep going to xerial.
 */
final class IsolatedDriver {
    private static final String RESOURCE = "sqlite-mc-jdbc.jar";
    private static final String FOLDER = "drivers";
    private final ScratchSpace scratch;
    private final Path cacheDir;
    private Driver driver;

    /** @param scratch whose private folder {@value #FOLDER} holds the driver's jar */
    IsolatedDriver(ScratchSpace scratch) {
        this.scratch = scratch;
        this.cacheDir = scratch.dir().resolve(FOLDER);
    }

    /** Loads the driver on first use: that costs writing a jar and loading a native library. */
    synchronized Driver driver() {
        if (driver == null) {
            driver = load();
        }
        return driver;
    }

    private Driver load() {
        try {
            Path jar = extract();
            URLClassLoader loader = new URLClassLoader("lifeboat-sqlcipher", new URL[] {jar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> type;
            // Its initialiser reads the system properties that may point at plain SQLite's library:
            // that one is loaded first, which clears them.
            synchronized (dev.lifeboat.NativeLibraries.SQLITE_PROPERTIES) {
                dev.lifeboat.NativeLibraries.loadSqlite();
                type = Class.forName("org.sqlite.JDBC", true, loader);
            }
            return (Driver) type.getDeclaredConstructor().newInstance();
        } catch (IOException | ReflectiveOperationException | LinkageError e) {
            // a LinkageError says so only in its message
            boolean full = NoSpace.isCause(e) || String.valueOf(e.getMessage()).contains("No space left");
            String cause = full ? "the disk is full" : e.toString();
            // a full disk is this machine's scratch space, reported like a full scratch folder
            throw (full ? Side.SOURCE : Side.SCRATCH).failure("cannot unpack the SQLCipher driver into " + cacheDir + " ("
                    + cause + "); free space there or set LIFEBOAT_SCRATCH_DIR to a writable folder with 20 MB free", e);
        }
    }

    private Path extract() throws IOException {
        // First, so that the jar is never read from, or loaded out of, a folder another user controls.
        scratch.folder(FOLDER);
        String digest = hex(digest(resource()));
        Path jar = cacheDir.resolve("sqlite-mc-jdbc-" + digest + ".jar");
        if (Files.exists(jar)) {
            try (InputStream in = Files.newInputStream(jar)) {
                if (hex(digest(in)).equals(digest)) {
                    return jar;
                }
            }
            Files.delete(jar);
        }
        Path temp = DurableFiles.tempSibling(jar);
        try {
            try (InputStream in = resource(); OutputStream out = Channels.newOutputStream(FileChannel.open(temp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), DurableFiles.privateFile()))) {
                in.transferTo(out);
            }
            Files.move(temp, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return jar;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private InputStream resource() throws IOException {
        InputStream in = IsolatedDriver.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IOException(RESOURCE + " is missing from the build");
        }
        return in;
    }

    private static byte[] digest(InputStream in) throws IOException {
        try (DigestInputStream digesting = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"))) {
            digesting.transferTo(OutputStream.nullOutputStream());
            return digesting.getMessageDigest().digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
