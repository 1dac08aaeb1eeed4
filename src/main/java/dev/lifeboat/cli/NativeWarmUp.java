package dev.lifeboat.cli;

import com.github.luben.zstd.util.Native;
import dev.lifeboat.DaemonThreads;
import dev.lifeboat.manifest.Json;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Loads sqlite-jdbc's and zstd-jni's native libraries on a daemon thread while the command line is
 * parsed and the source is checked. Each unpacks its library on first use, and sqlite-jdbc then
 * compares the copy byte by byte: about 0.1 s of work that nearly every command (the catalog is
 * SQLite) would otherwise do on its main thread, here overlapping the waits for the source. Both
 * loaders are synchronized, so a command that needs a library sooner simply waits for it; a
 * failure here is left for that real use to report. The JSON mapper and the JDK's SHA-256 and
 * random source are set up here too: every command writes JSON and names files at random, and a
 * backup would otherwise build them on the thread that must keep reading the database's stream.
 */
final class NativeWarmUp {
    private NativeWarmUp() {
    }

    static void start() {
        DaemonThreads.start("lifeboat-native-warm-up", NativeWarmUp::load);
    }

    private static void load() {
        try {
            SQLiteJDBCLoader.initialize();
            Native.load();
            Json.write(Map.of());
            MessageDigest.getInstance("SHA-256");
            new SecureRandom().nextBytes(new byte[1]);
        } catch (Exception | LinkageError e) {
            // Reported, with its cause, where the library is really needed.
        }
    }
}
