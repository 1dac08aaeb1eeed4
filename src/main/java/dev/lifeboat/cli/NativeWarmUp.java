package dev.lifeboat.cli;

import com.github.luben.zstd.util.Native;
import dev.lifeboat.DaemonThreads;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Loads sqlite-jdbc's and zstd-jni's native libraries on a daemon thread while the command line is
 * parsed and the source is checked. Each unpacks its library on first use, and sqlite-jdbc then
 * compares the copy byte by byte: about 0.1 s of work that nearly every command (the catalog is
 * SQLite) would otherwise do on its main thread, here overlapping the waits for the source. Both loaders are synchronized, so a command that
 * needs a library sooner simply waits for it; a failure here is left for that real use to report.
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
        } catch (Exception | LinkageError e) {
            // Reported, with its cause, where the library is really needed.
        }
    }
}
