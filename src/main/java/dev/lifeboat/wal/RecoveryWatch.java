package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.PgBinaries;
import dev.lifeboat.source.postgres.PostgresOsUser;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts a restored cluster with pg_ctl (as the PostgreSQL OS user) and waits until recovery has
 * ended and the cluster was promoted (its control file says "in production", as {@code pg_ctl promote
 * -w} reads it), or the server stopped (a FATAL line of its log names why, e.g. a damaged segment or
 * a target never reached).
 */
final class RecoveryWatch {
    static final String LOG = "lifeboat-recovery.log";
    /** A round checks two files and reads the control file's first bytes: no process is started. */
    private static final long ROUND_MS = 5;
    /**
     * {@code global/pg_control} begins with the system identifier (8 bytes), the control file's and the
     * catalog's versions (4 each) and the cluster's state (an int, in the server's byte order), where
     * {@code DB_IN_PRODUCTION} is 6: the layout of these has not changed since PostgreSQL 9.0. The server
     * writes it after the end of recovery was made durable, when pg_is_in_recovery() is already false.
     */
    private static final int STATE_OFFSET = 16;
    private static final int IN_PRODUCTION = 6;
    /** How long a server may take to write its pid file before it counts as stopped. */
    private static final Duration PID_GRACE = Duration.ofSeconds(2);
    private final PostgresOsUser user;
    private final Path dir;
    /** Where the server logs, in the data directory: its FATAL line names why a recovery stopped. */
    private final Path log;
    private final Duration timeout;
    private final PgBinaries binaries;
    private final Optional<String> startCommand;

    /** @param startCommand how to start the cluster instead of pg_ctl (e.g. a systemctl unit), run through sh */
    RecoveryWatch(PostgresOsUser user, Path dir, Duration timeout, PgBinaries binaries, Optional<String> startCommand) {
        this.user = user;
        this.dir = dir;
        this.log = dir.resolve(LOG);
        this.timeout = timeout;
        this.binaries = binaries;
        this.startCommand = startCommand;
    }

    /** Starts the server; it recovers on its own from here. */
    void start() throws IOException {
        PostgresOsUser.Result started = startCommand.isPresent()
                ? user.run(List.of("sh", "-c", startCommand.get()), false)
                : user.run(pgCtlStart(), true);
        if (started.exit() != 0) {
            throw new LifeboatException(ExitCode.TARGET, "pg_ctl could not start the restored cluster in " + dir + " ("
                    + lastLine(started.output()) + "); see " + log);
        }
    }

    /** Stops the server at once (it is put away after this: nothing of its work needs to be kept). */
    void stopNow() throws IOException {
        user.run(List.of(binaries.find("pg_ctl").toString(), "-D", dir.toString(), "-m", "immediate", "-w", "stop"),
                true);
    }

    /** Waits until recovery ended and the server was promoted: the point it reached, in PostgreSQL's words. */
    String awaitPromotion() throws IOException {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        boolean seen = false;
        while (System.nanoTime() - deadline < 0) {
            sleep(ROUND_MS);
            boolean running = Files.exists(dir.resolve("postmaster.pid"));
            // PostgreSQL removes recovery.signal once recovery ended, just before it is promoted.
            if (running && !Files.exists(dir.resolve("recovery.signal")) && inProduction(dir)) {
                return reached(read(log));
            }
            seen |= running;
            // pg_ctl -W returns before the postmaster may have written its pid file
            if (!running && (seen || System.nanoTime() - started > PID_GRACE.toNanos())) {
                throw new LifeboatException(ExitCode.TARGET, "the restored cluster in " + dir + " stopped during"
                        + " recovery: " + fatal(read(log)) + "; see " + log);
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
    private List<String> pgCtlStart() {
        List<String> command = new ArrayList<>(List.of(binaries.find("pg_ctl").toString(), "-D", dir.toString(), "-l",
                log.toString(), "-W"));
        if (binaries.atLeast(14)) {
            command.addAll(List.of("-o", "-c recovery_init_sync_method=syncfs"));
        }
        command.add("start");
        return command;
    }

    /** Whether the control file of the cluster in {@code dataDir} says it runs in production. */
    private static boolean inProduction(Path dataDir) throws IOException {
        try (FileChannel control = FileChannel.open(dataDir.resolve("global").resolve("pg_control"))) {
            ByteBuffer state = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder());
            while (state.hasRemaining() && control.read(state, STATE_OFFSET + state.position()) > 0) {
                // a short read goes on where it stopped
            }
            return !state.hasRemaining() && state.getInt(0) == IN_PRODUCTION;
        }
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
