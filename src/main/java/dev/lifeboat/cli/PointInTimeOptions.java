package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.wal.PointInTimeRestore;
import dev.lifeboat.source.postgres.PostgresOsUser;
import dev.lifeboat.wal.RecoveryTarget;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/** The options of a point-in-time restore of a base backup into a data directory ({@code restore --to-data-dir}). */
final class PointInTimeOptions {
    @Option(names = "--to-data-dir", paramLabel = "DIR", description = "Restore a base backup (backup --physical)"
            + " into this PostgreSQL data directory and recover it with the archived WAL; its old contents are"
            + " moved aside to DIR.pre-restore-TIME.")
    Path dataDir;

    @Option(names = "--target-time", paramLabel = "TIME", description = "Recover up to this"
            + " moment, 'YYYY-MM-DD HH:MM:SS+TZ' (default: the end of the archived WAL).")
    String targetTime;

    @Option(names = "--target-lsn", paramLabel = "LSN", description = "Recover up to this WAL position.")
    String targetLsn;

    @Option(names = "--target-name", paramLabel = "NAME", description = "Recover up to this restore point"
            + " (pg_create_restore_point).")
    String targetName;

    @Option(names = "--target-xid", paramLabel = "XID", description = "Recover up to this transaction.")
    String targetXid;

    @Option(names = "--target-timeline", paramLabel = "current|latest|N", defaultValue = "current",
            description = "The timeline to recover along (default: ${DEFAULT-VALUE}, the base backup's own; latest"
                    + " follows the newest timeline archived, e.g. after an earlier restore was promoted).")
    String targetTimeline;

    @Option(names = "--start", description = "Start the restored cluster with pg_ctl, wait until it reached the"
            + " target and was promoted, and print the point reached.")
    boolean start;

    @Option(names = "--start-command", paramLabel = "COMMAND", description = "With --start: start the cluster"
            + " with this shell command (e.g. 'systemctl start postgresql@15-main') instead of pg_ctl.")
    String startCommand;

    @Option(names = "--port", paramLabel = "N", description = "The port of the restored cluster (default: the"
            + " backed-up cluster's).")
    Integer port;

    @Option(names = "--os-user", paramLabel = "USER", defaultValue = "postgres", description = "The OS user"
            + " PostgreSQL runs as, who gets the files and runs the server when Lifeboat runs as root"
            + " (default: ${DEFAULT-VALUE}).")
    String osUser;

    @Option(names = "--lifeboat-command", paramLabel = "COMMAND", description = "How PostgreSQL runs Lifeboat in"
            + " restore_command (default: this Lifeboat's java -jar, or 'lifeboat').")
    String lifeboatCommand;

    @Option(names = "--recovery-timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "With --start: how long recovery may take (default: ${DEFAULT-VALUE}).")
    long recoveryTimeout;

    boolean given() {
        return dataDir != null;
    }

    int restore(Services services, PrintWriter out, PrintWriter err, String repoSpec, String backup, String name,
                KeyOptions keys, JsonOutput json) throws Exception {
        RecoveryTarget target = RecoveryTarget.parse(Optional.ofNullable(targetTime), Optional.ofNullable(targetLsn),
                Optional.ofNullable(targetName), Optional.ofNullable(targetXid));
        // PostgreSQL runs restore_command in the data directory: a folder repository must be named absolutely.
        String restoreCommand = PointInTimeRestore.restoreCommand(lifeboat() + " wal-fetch %f %p --prefetch 8 --repo "
                + quote(Repositories.absolute(repoSpec)) + keyArgument(keys));
        try (Repository repository = services.repository(repoSpec)) {
            PointInTimeRestore.Report report = new PointInTimeRestore(services.clock).restore(
                    new PointInTimeRestore.Request(repository, backup, Optional.ofNullable(name), dataDir, target,
                            targetTimeline, keys.load(services), restoreCommand, new PostgresOsUser(osUser), start, Optional.ofNullable(startCommand),
                            port == null ? OptionalInt.empty() : OptionalInt.of(port),
                            Duration.ofSeconds(recoveryTimeout)));
            report.movedAside().ifPresent(p -> err.println("moved the previous contents of " + report.dataDir()
                    + " aside to " + p));
            if (json.enabled()) {
                java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
                doc.put("backup", report.backup().id());
                doc.put("data_dir", report.dataDir().toString());
                doc.put("moved_aside", report.movedAside().map(Path::toString).orElse(null));
                doc.put("target", report.target().describe());
                doc.put("started", report.started());
                doc.put("reached", report.reached().orElse(null));
                json.document("restore-point", doc);
            } else if (report.started()) {
                out.println("restored base backup " + report.backup().id() + " into " + report.dataDir()
                        + "; recovered and promoted: " + report.reached().orElse(""));
            } else {
                out.println("restored base backup " + report.backup().id() + " into " + report.dataDir()
                        + "; start it (pg_ctl -D " + report.dataDir() + " start) to recover to "
                        + report.target().describe());
            }
            return ExitCode.OK.code();
        }
    }

    /** restore_command reads the key from a file PostgreSQL's user can read; a key held in memory cannot go there. */
    private static String keyArgument(KeyOptions keys) {
        if (keys.identityFile != null) {
            return " --identity-file " + quote(keys.identityFile.toAbsolutePath().toString());
        }
        if (keys.pgpPrivateKeyFile != null && keys.passphraseEnv == null && !keys.askPassphrase) {
            return " --pgp-private-key-file " + quote(keys.pgpPrivateKeyFile.toAbsolutePath().toString());
        }
        if (keys.given()) {
            throw new LifeboatException(ExitCode.USAGE, "PostgreSQL's restore_command must read the WAL key from a"
                    + " file: give --identity-file FILE (readable by the PostgreSQL OS user)");
        }
        return "";
    }

    private String lifeboat() {
        if (lifeboatCommand != null) {
            return lifeboatCommand;
        }
        try {
            Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (code.toString().endsWith(".jar") && Files.isRegularFile(code)) {
                return quote(Path.of(System.getProperty("java.home"), "bin", "java").toString()) + " -jar "
                        + quote(code.toString());
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // not run from a jar: fall back to the installed command
        }
        return "lifeboat";
    }

    /** A shell word: restore_command runs through sh. */
    static String quote(String word) {
        return word.matches("[A-Za-z0-9_./:@%+=-]+") ? word : "'" + word.replace("'", "'\"'\"'") + "'";
    }
}
