package dev.lifeboat.source;

import java.io.IOException;
import java.nio.file.Path;

/** The identity of a database file: its real path, so a link or a relative spelling is the same file. */
public final class Canonical {
    private Canonical() {
    }

    public static String fileIdentity(String kind, Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            return kind + ":" + absolute.toRealPath();
        } catch (IOException e) {
            // A file that does not exist yet (a restore target) is named as written.
            return kind + ":" + absolute;
        }
    }
}
