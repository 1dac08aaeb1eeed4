package dev.lifeboat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.ServerConfig;
import dev.lifeboat.job.Task;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.JobHarness;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.PgCluster;
import dev.lifeboat.testing.Promtool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A physical job run by the daemon as {@code lifeboat daemon} wires it ({@link DaemonRuntime}),
 * against a throwaway cluster whose archive_command is the wal-push under test: the scheduled base
 * backup, the scheduled verification that starts it, the WAL window on /metrics, and the WAL
 * alarm when the archive goes quiet past wal-max-age and when the server's archive_command fails.
 * The ticks come from a clock the test sets; the WAL itself is archived in real time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PhysicalJobDaemonTest {
    private static final Pattern WAL_ALARM = Pattern.compile("\"event\":\"wal_alarm\",\"job\":\"cluster\",\"message\":\"([^\"]*)\"");
    @TempDir
    static Path dir;
    private static PgCluster cluster;
    private static MutableClock clock;
    private static JobHarness harness;
    private static DaemonRuntime runtime;
    private static StatusServer server;
    private static LifeboatConfig config;

    @BeforeAll
    static void start() throws Exception {
        cluster = PgCluster.start();
        cluster.execute("CREATE TABLE orders (id int PRIMARY KEY, item text)",
                "INSERT INTO orders SELECT g, 'item ' || g FROM generate_series(1, 500) g");
        // wal-push (as postgres) makes the repository, as on a server whose archiving was set up before
        // the daemon's first backup; a repository the daemon made as root would be closed to it (0700).
        cluster.archiveNow();
        // The schedules are daily times (with seconds) from now on, so the test clock stays near the real
        // time the WAL is archived at: the backup at T, a few seconds ahead, its verification five minutes later.
        Instant backupAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
        Instant verifyAt = backupAt.plus(Duration.ofMinutes(5));
        config = JobHarness.config("""
                jobs:
                  cluster:
                    source: %s
                    source-options: { physical: true }
                    repositories: [ "%s" ]
                    encryption: { recipients: [ "%s" ], identity: "file:%s" }
                    timezone: UTC
                    schedule: "%s"
                    verify: "%s"
                    wal-max-age: 30min
                """.formatted(cluster.url(), cluster.repo(), cluster.recipient(), cluster.identityFile(),
                daily(backupAt), daily(verifyAt)));
        clock = new MutableClock(Instant.now());
        harness = new JobHarness(dir, clock);
        runtime = new DaemonRuntime(clock, harness.parts, harness.log(), new SplittableRandom(1));
        runtime.daemon().start(config);
        server = runtime.serve(new ServerConfig("127.0.0.1", 0), () -> config);
    }

    @AfterAll
    static void stop() {
        try {
            if (runtime != null) {
                assertEquals(List.of(), runtime.shutdown(Duration.ofSeconds(60)), "a clean stop");
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (harness != null) {
                harness.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    @Order(1)
    void theScheduledBaseBackupIsVerifiedByStartingItAndMetricsShowTheWalWindow() throws Exception {
        Instant backupAt = runtime.scheduler().nextRun("cluster", Task.BACKUP).orElseThrow();
        while (Instant.now().isBefore(backupAt)) {
            Thread.sleep(50); // the base backup's end (test clock) is then not after its WAL's archive time (real)
        }
        tickAt(backupAt);
        Run backup = lastRun("backup");
        assertEquals(RunStatus.COMPLETED, backup.status(), backup + "\n" + harness.logText());
        assertEquals("schedule", backup.trigger());
        Manifest base;
        try (Repository repository = Repositories.folder(cluster.repo())) {
            List<Manifest> manifests = repository.manifests();
            assertEquals(1, manifests.size(), manifests.toString());
            base = manifests.get(0);
            assertEquals(backup.backupId(), base.id());
            assertEquals("postgresql-physical", base.source().kind());
            assertEquals(PgCluster.query(cluster.port(), "SELECT system_identifier::text FROM pg_control_system()"),
                    base.facts().properties().get("system_identifier"));
        }

        Instant verifyAt = runtime.scheduler().nextRun("cluster", Task.VERIFY).orElseThrow();
        assertTrue(verifyAt.isAfter(backupAt), verifyAt + " after " + backupAt);
        tickAt(verifyAt.plusSeconds(5));
        Run verify = lastRun("verify");
        assertEquals(RunStatus.COMPLETED, verify.status(), verify + "\n" + harness.logText());
        assertEquals("schedule", verify.trigger());
        assertEquals(List.of(base.id() + " VERIFIED"), harness.catalog.backupStatuses(verify.repository()),
                "the catalog holds the base backup as verified");
        try (Repository repository = Repositories.folder(cluster.repo())) {
            List<byte[]> records = repository.records(base.id(), "verify-");
            assertEquals(1, records.size());
            VerificationRecord record = VerificationRecord.read(records.get(0), base.id()).orElseThrow();
            assertTrue(record.passed(), record.toString());
            assertTrue(record.checks().stream().anyMatch(c -> c.contains("the restored cluster started")),
                    record.checks().toString());
            assertTrue(record.checks().stream().anyMatch(c -> c.startsWith("pg_verifybackup")),
                    record.checks().toString());
        }

        // The WAL watch checked on its own thread at this tick (a minute after the first); the window
        // opens at the base backup and reaches the newest archived WAL.
        String metrics = awaitMetrics(m -> gauge(m, "lifeboat_wal_window_start_timestamp_seconds").isPresent());
        Promtool.checkMetrics(metrics, dir);
        double start = gauge(metrics, "lifeboat_wal_window_start_timestamp_seconds").orElseThrow();
        double end = gauge(metrics, "lifeboat_wal_window_end_timestamp_seconds").orElseThrow();
        double last = gauge(metrics, "lifeboat_wal_last_archived_timestamp_seconds").orElseThrow();
        double lag = gauge(metrics, "lifeboat_wal_archive_lag_seconds").orElseThrow();
        assertEquals(0, gauge(metrics, "lifeboat_wal_gaps").orElseThrow(), metrics);
        assertTrue(start <= end, metrics);
        assertTrue(end <= last + 1, "a restore reaches no further than the newest archived WAL: " + metrics);
        assertTrue(start >= seconds(base.startedAt()) - 300 && start <= seconds(base.startedAt()) + 300,
                "the window opens at the base backup (" + base.startedAt() + "): " + metrics);
        assertEquals(seconds(clock.instant()) - last, lag, 0.01, metrics);
        assertTrue(lag < Duration.ofMinutes(30).toSeconds(), metrics);
        assertTrue(metrics.contains("lifeboat_job_last_verification_timestamp_seconds{lifeboat_job=\"cluster\"} "),
                metrics);
        assertTrue(metrics.contains("lifeboat_job_runs_total{lifeboat_job=\"cluster\",task=\"verify\",status="
                + "\"completed\"} 1\n"), metrics);
        assertFalse(WAL_ALARM.matcher(harness.logText()).find(), "WAL arrived within wal-max-age: "
                + harness.logText());
    }

    @Test
    @Order(2)
    void theWalAlarmFiresWhenNoWalArrivesForLongerThanWalMaxAgeWhileTheServerIsUp() throws Exception {
        String before = awaitMetrics(m -> gauge(m, "lifeboat_wal_last_archived_timestamp_seconds").isPresent());
        Instant last = Instant.ofEpochMilli((long) (gauge(before, "lifeboat_wal_last_archived_timestamp_seconds")
                .orElseThrow() * 1000));
        // The server is up and idle: nothing switches WAL segments, so nothing more is archived.
        tickAt(last.plus(Duration.ofMinutes(31)));
        String alarm = awaitAlarm(1);
        assertTrue(alarm.contains("no WAL archived since") && alarm.contains("longer than wal-max-age 30min"), alarm);
        String metrics = awaitMetrics(m -> gauge(m, "lifeboat_wal_archive_lag_seconds").orElse(0.0) > 30 * 60);
        assertEquals(31 * 60, gauge(metrics, "lifeboat_wal_archive_lag_seconds").orElseThrow(), 1.0, metrics);
        assertTrue(PgCluster.query(cluster.port(), "SELECT 1").equals("1"), "the server was up all along");

        // Reported once: the next minute's check finds the same problem.
        tickAt(clock.instant().plus(Duration.ofMinutes(1)));
        awaitMetrics(m -> gauge(m, "lifeboat_wal_archive_lag_seconds").orElse(0.0) > 32 * 60 - 1);
        Thread.sleep(300);
        assertEquals(1, alarms().size(), harness.logText());
    }

    @Test
    @Order(3)
    void theWalAlarmFiresWhenTheServersArchiveCommandFails() throws Exception {
        cluster.execute("ALTER SYSTEM SET archive_command = 'false'", "SELECT pg_reload_conf()",
                "CREATE TABLE more AS SELECT 1 AS x", "SELECT pg_switch_wal()");
        for (int i = 0; i < 200 && Long.parseLong(PgCluster.query(cluster.port(),
                "SELECT failed_count FROM pg_stat_archiver")) == 0; i++) {
            Thread.sleep(50);
        }
        tickAt(clock.instant().plus(Duration.ofMinutes(1)));
        String alarm = awaitAlarm(2);
        assertTrue(alarm.contains("the server's archive_command is failing (pg_stat_archiver: "), alarm);
    }

    /**
     * With archive_command failing, the next scheduled base backup would wait forever for its WAL
     * (PostgreSQL waits for the archiver without end) and hold the job's lane; it fails instead,
     * within seconds, saying why, and stores nothing.
     */
    @Test
    @Order(4)
    void aScheduledBaseBackupWhoseWalCannotBeArchivedFailsInsteadOfHanging() throws Exception {
        assertTrue(Long.parseLong(PgCluster.query(cluster.port(), "SELECT failed_count FROM pg_stat_archiver")) > 0);
        long started = System.nanoTime();
        tickAt(runtime.scheduler().nextRun("cluster", Task.BACKUP).orElseThrow());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(45).toNanos());
        Run backup = lastRun("backup");
        assertEquals(RunStatus.FAILED, backup.status(), backup + "\n" + harness.logText());
        assertTrue(backup.error().contains("archive_command failed") && backup.error().contains("was stopped")
                && backup.error().contains("no backup was stored"), backup.error());
        try (Repository repository = Repositories.folder(cluster.repo())) {
            assertEquals(1, repository.manifests().size(), "only the first base backup");
            assertEquals(List.of(), repository.incompleteBackups());
        }
        assertEquals("0", PgCluster.query(cluster.port(), "SELECT count(*)::text FROM pg_stat_activity"
                + " WHERE backend_type = 'walsender'"), "pg_basebackup's connection is gone");
    }

    /** The command line's base backup is the same service: one line, the source's exit status (3). */
    @Test
    @Order(5)
    void theCommandLinesBaseBackupFailsTheSameWayWithExitStatus3() {
        dev.lifeboat.testing.Cli.Result backup = new dev.lifeboat.testing.Cli(dir.resolve("cli-scratch")).run(
                "backup", cluster.url(), "--physical", "--repo", cluster.repo().toString(), "--recipient",
                cluster.recipient());
        dev.lifeboat.testing.Cli.assertOneLineFailure(backup, dev.lifeboat.ExitCode.SOURCE,
                "archive_command failed", "pg_stat_archiver: the last for 0000000", "no backup was stored");
    }

    /**
     * The daemon stopped past its shutdown timeout while a scheduled verification has the throwaway
     * server up: the verification is cancelled, and neither that server nor its copy of the cluster
     * is left behind. (Last: it stops the daemon.)
     */
    @Test
    @Order(6)
    void aVerificationCancelledByTheStopLeavesNoServerAndNoCopy() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = verifyFolders(tmp);
        clock.set(runtime.scheduler().nextRun("cluster", Task.VERIFY).orElseThrow());
        runtime.daemon().tick();
        Path[] copy = new Path[1];
        await(() -> {
            List<Path> now = verifyFolders(tmp);
            now.removeAll(before);
            copy[0] = now.stream().filter(p -> java.nio.file.Files.exists(p.resolve("data").resolve("postmaster.pid")))
                    .findFirst().orElse(null);
            return copy[0] != null;
        }, "the verification's server to start", Duration.ofSeconds(60));

        assertEquals(List.of(new Scheduler.Key("cluster", Task.VERIFY)), runtime.shutdown(Duration.ZERO));
        await(() -> !java.nio.file.Files.exists(copy[0]), "the copy " + copy[0] + " to be removed",
                Duration.ofSeconds(15));
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("")
                .contains(copy[0].toString())), "no server of the copy runs");
    }

    private static List<Path> verifyFolders(Path tmp) {
        try (var files = java.nio.file.Files.list(tmp)) {
            return new java.util.ArrayList<>(files.filter(p -> p.getFileName().toString()
                    .startsWith("lifeboat-verify-")).toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Sets the clock, ticks once and waits for the runs the tick started. */
    private static void tickAt(Instant at) throws InterruptedException {
        clock.set(at);
        runtime.daemon().tick();
        await(() -> runtime.lanes().running().isEmpty() && !runtime.lanes().isBusy("cluster"),
                "the tick's runs to finish", Duration.ofSeconds(60));
    }

    private static Run lastRun(String kind) {
        return harness.catalog.history(Optional.of("cluster"), 20).stream().filter(r -> r.kind().equals(kind))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " run: " + harness.logText()));
    }

    private static List<String> alarms() {
        Matcher m = WAL_ALARM.matcher(harness.logText());
        return m.results().map(r -> r.group(1)).toList();
    }

    private static String awaitAlarm(int count) throws InterruptedException {
        await(() -> alarms().size() >= count, count + " WAL alarm(s)", Duration.ofSeconds(30));
        List<String> all = alarms();
        assertEquals(count, all.size(), all.toString());
        return all.get(count - 1);
    }

    /** /metrics once it satisfies {@code ready}: the WAL watch publishes when its check ends. */
    private static String awaitMetrics(java.util.function.Predicate<String> ready) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String body = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.address().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            body = response.body();
            if (ready.test(body)) {
                return body;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/metrics never got there:\n" + body + "\n" + harness.logText());
    }

    private static Optional<Double> gauge(String metrics, String name) {
        String prefix = name + "{lifeboat_job=\"cluster\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(prefix.length())));
    }

    private static void await(BooleanSupplier done, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout + " for " + what + ":\n" + harness.logText());
            }
            Thread.sleep(50);
        }
    }

    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    /** A daily cron at {@code at}'s second, in UTC. */
    private static String daily(Instant at) {
        var utc = at.atZone(ZoneOffset.UTC);
        return utc.getSecond() + " " + utc.getMinute() + " " + utc.getHour() + " * * *";
    }
}
