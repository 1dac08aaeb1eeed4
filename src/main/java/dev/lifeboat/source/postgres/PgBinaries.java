package dev.lifeboat.source.postgres;

import dev.lifeboat.source.Side;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server-side PostgreSQL programs (pg_ctl, pg_controldata, pg_checksums, pg_verifybackup) of
 * one major version: Debian keeps them in {@code /usr/lib/postgresql/MAJOR/bin}, off the PATH, so
 * that folder is searched first, then the PATH.
 */
public record PgBinaries(Optional<String> major) {
    public Path find(String tool) {
        List<Path> folders = new ArrayList<>();
        major.ifPresent(m -> folders.add(Path.of("/usr/lib/postgresql", m, "bin")));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                folders.add(Path.of(dir));
            }
        }
        for (Path folder : folders) {
            if (Files.isExecutable(folder.resolve(tool))) {
                return folder.resolve(tool);
            }
        }
        throw Side.TARGET.failure(tool + " not found in " + major.map(m -> "/usr/lib/postgresql/"
                + m + "/bin or ").orElse("") + "the PATH; install the PostgreSQL " + major.orElse("") + " server"
                + " package (e.g. apt-get install postgresql-" + major.orElse("15") + ")");
    }

    /** Whether these are the binaries of PostgreSQL {@code version} or later (false when the version is unknown). */
    public boolean atLeast(int version) {
        return major.map(m -> Integer.parseInt(m) >= version).orElse(false);
    }

    /** The major version of a server version such as {@code 15} or {@code 15.20 (Debian …)}. */
    public static PgBinaries forVersion(String version) {
        String major = version.strip().split("[ .]")[0];
        return new PgBinaries(major.matches("\\d{1,3}") ? Optional.of(major) : Optional.empty());
    }
}
