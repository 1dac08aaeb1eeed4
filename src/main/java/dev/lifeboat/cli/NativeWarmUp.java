package dev.lifeboat.cli;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.NativeLibraries;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;

/**
 * Sets up, on a daemon thread while the command line is parsed, what nearly every command needs
 * and would otherwise build on its main thread: first the JSON mapper with its reader of manifests
 * (a listing and a backup read the repository's manifests before anything else), then sqlite-jdbc's
 * and zstd-jni's native libraries, loaded from the copies {@link NativeLibraries} unpacked once per
 * version (left to themselves, both unpack on every run, and sqlite-jdbc then compares the copy
 * byte by byte: about 0.1 s of CPU), then the JDK's SHA-256 and random source, which a backup would
 * otherwise set up on the thread that must keep reading the database's stream. Jackson's caches and
 * both loaders are thread-safe, so a command that needs something sooner builds it or waits for
 * it; a failure here is left for that real use to report.
 */
final class NativeWarmUp {
    private NativeWarmUp() {
    }

    /** What a command will use, so that nothing else is set up for it. */
    enum Needs {
        /** Reads only a repository: the JSON mapper. */
        REPOSITORY,
        /** Archives or fetches WAL: no database and no catalog, so no SQLite. */
        PIPELINE,
        /** Everything: databases, the catalog and the pipeline. */
        DATABASES
    }

    /** @param libraries where the native libraries are unpacked once per version, and loaded from */
    static void start(NativeLibraries libraries, Needs needs) {
        if (needs == Needs.DATABASES) {
            libraries.pointSqliteAtCopy(); // before any thread can open a connection
        }
        DaemonThreads.start("lifeboat-native-warm-up", () -> load(libraries, needs));
    }

    private static void load(NativeLibraries libraries, Needs needs) {
        try {
            Json.write(Map.of());
            Json.read("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), Manifest.class);
            if (needs == Needs.REPOSITORY) {
                return;
            }
            if (needs == Needs.DATABASES) {
                NativeLibraries.loadSqlite();
            }
            libraries.loadZstd();
            MessageDigest.getInstance("SHA-256");
            new SecureRandom().nextBytes(new byte[1]);
        } catch (Exception | LinkageError e) {
            // Reported, with its cause, where the library is really needed.
        }
    }
}
