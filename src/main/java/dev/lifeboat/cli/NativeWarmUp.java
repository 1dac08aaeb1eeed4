package dev.lifeboat.cli;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.NativeLibraries;
import dev.lifeboat.manifest.Json;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;

/**
 * Loads sqlite-jdbc's and zstd-jni's native libraries on a daemon thread while the command line is
 * parsed and the source is checked, from the copies {@link NativeLibraries} unpacked once per
 * version (left to themselves, both libraries unpack on every run, and sqlite-jdbc then compares
 * the copy byte by byte: about 0.1 s of CPU). Nearly every command needs SQLite (the catalog is
 * SQLite), and here the loading overlaps the waits for the source. Both loaders are synchronized, so a command that needs a library sooner simply waits for it; a
 * failure here is left for that real use to report. The JSON mapper and the JDK's SHA-256 and
 * random source are set up here too: every command writes JSON and names files at random, and a
 * backup would otherwise build them on the thread that must keep reading the database's stream.
 */
final class NativeWarmUp {
    private NativeWarmUp() {
    }

    /** @param libraries where the native libraries are unpacked once per version, and loaded from */
    static void start(NativeLibraries libraries) {
        DaemonThreads.start("lifeboat-native-warm-up", () -> load(libraries));
    }

    private static void load(NativeLibraries libraries) {
        try {
            libraries.loadSqlite();
            libraries.loadZstd();
            Json.write(Map.of());
            MessageDigest.getInstance("SHA-256");
            new SecureRandom().nextBytes(new byte[1]);
        } catch (Exception | LinkageError e) {
            // Reported, with its cause, where the library is really needed.
        }
    }
}
