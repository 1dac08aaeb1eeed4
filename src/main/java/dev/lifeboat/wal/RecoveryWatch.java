package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.PgBinaries;
import dev.lifeboat.source.postgres.PostgresOsUser;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts a restored cluster with pg_ctl (as the PostgreSQL OS user) and waits until recovery has
 * ended and the cluster was promoted ({@code pg_controldata}: "in production"), or the server
 * stopped (a FATAL line of its log names why, e.g. a damaged segment or a target never reached).
 */
final class RecoveryWatch {
    static final String LOG = "lifeboat-recovery.log";
    /** Two file checks a round; pg_controldata runs only once recovery.signal is gone. */
    private static final long ROUND_MS = 20;
    private static final long PID_GRACE_MS = 200;
    private final PostgresOsUser user;
    private final Path dir;
    private final Duration timeout;
    private final PgBinaries binaries;
    private final Optional<String> startCommand;

    /** @param startCommand how to start the cluster instead of pg_ctl (e.g. a systemctl unit), run through sh */
    RecoveryWatch(PostgresOsUser user, Path dir, Duration timeout, PgBinaries binaries, Optional<String> startCommand) {
        this.user = user;
        this.dir = dir;
        this.timeout = timeout;
        this.binaries = binaries;
        this.startCommand = startCommand;
    }

    /** The point recovery reached, in PostgreSQL's words. */
    String startAndWait() throws IOException {
        Path log = dir.resolve(LOG);
        PostgresOsUser.Result started = startCommand.isPresent()
                ? user.run(List.of("sh", "-c", startCommand.get()), false)
                : user.run(pgCtlStart(log), true);
        if (started.exit() != 0) {
            throw new LifeboatException(ExitCode.TARGET, "pg_ctl could not start the restored cluster in " + dir + " ("
                    + lastLine(started.output()) + "); see " + log);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            sleep(ROUND_MS);
            // PostgreSQL removes recovery.signal once recovery ended and the cluster was promoted.
            if (!Files.exists(dir.resolve("recovery.signal")) && Files.exists(dir.resolve("postmaster.pid"))
                    && user.run(List.of(binaries.find("pg_controldata").toString(), dir.toString()), false).output()
                    .contains("in production")) {
                return reached(read(log));
            }
            if (!Files.exists(dir.resolve("postmaster.pid"))) {
                // pg_ctl -W returns before the postmaster may have written its pid file
                sleep(PID_GRACE_MS);
                if (!Files.exists(dir.resolve("postmaster.pid"))) {
                    throw new LifeboatException(ExitCode.TARGET, "the restored cluster in " + dir + " stopped during"
                            + " recovery: " + fatal(read(log)) + "; see " + log);
                }
            }
        }
        throw new LifeboatException(ExitCode.TARGET, "recovery of " + dir + " did not finish within " + timeout
                .toSeconds() + " s; it still runs (see " + log + "); wait, or stop it with pg_ctl -D " + dir + " stop");
    }

    /**
     * A cluster that was not shut down starts by fsyncing every file of its data directory, a quarter
     * of a second for a fresh 1 GB restore. From PostgreSQL 14 on, one syncfs() of each file system
     * involved (data directory, pg_wal, tablespaces) makes the same files durable; for this start only.
     */
    private List<String> pgCtlStart(Path log) {
        List<String> command = new ArrayList<>(List.of(binaries.find("pg_ctl").toString(), "-D", dir.toString(), "-l",
                log.toString(), "-W"));
        if (binaries.atLeast(14)) {
            command.addAll(List.of("-o", "-c recovery_init_sync_method=syncfs"));
        }
        command.add("start");
        return command;
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static String reached(String log) {
        for (String marker : List.of("recovery stopping", "last completed transaction was at log time",
                "redo done at")) {
            Optional<String> line = log.lines().filter(l -> l.contains(marker)).reduce((a, b) -> b);
            if (line.isPresent()) {
                String text = line.get();
                return text.substring(text.indexOf(marker)).strip();
            }
        }
        return "the end of the archived WAL";
    }

    /** Lifeboat's own line (from wal-fetch) says most; else PostgreSQL's first FATAL. */
    private static String fatal(String log) {
        Optional<String> ours = log.lines().filter(l -> l.startsWith("lifeboat: ")).reduce((a, b) -> b);
        if (ours.isPresent()) {
            return ours.get().substring("lifeboat: ".length()).strip();
        }
        return log.lines().filter(l -> l.contains("FATAL:")).findFirst()
                .map(l -> l.substring(l.indexOf("FATAL:")).strip())
                .orElse(lastLine(log));
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "no message" : lines.get(lines.size() - 1).strip();
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for recovery");
        }
    }
}
