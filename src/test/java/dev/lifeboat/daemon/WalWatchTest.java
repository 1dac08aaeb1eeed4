package dev.lifeboat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.config.ConfigReader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.ServerConfig;
import dev.lifeboat.log.Log;
import dev.lifeboat.notify.Channel;
import dev.lifeboat.notify.Deliveries;
import dev.lifeboat.notify.Event;
import dev.lifeboat.notify.Notifier;
import dev.lifeboat.notify.NotifySettings;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.source.Engines;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.Promtool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's watch over a physical job's WAL archive, on an archive that real {@code wal-push}
 * runs built: /metrics serves the archive's figures (and passes promtool), a deleted segment is a
 * gap that raises the WAL alarm once, and an archive quiet for longer than wal-max-age raises it too.
 */
class WalWatchTest {
    private static final String SYSTEM = "1976943448883713";
    private static final Engines ENGINES = Engines.standard(Duration.ofSeconds(5));

    @TempDir
    Path dir;

    /** Three segments of a made-up cluster, archived by real wal-push runs. */
    private Path archive(Cli cli) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("pg_wal"));
        Files.write(data.resolve("global").resolve("pg_control"), new byte[] {1, 2, 3, 4, 5, 6, 7, 0});
        for (int n = 1; n <= 3; n++) {
            Path segment = data.resolve("pg_wal").resolve(String.format("0000000100000000000000%02X", n));
            Files.write(segment, ("segment " + n).repeat(1000).getBytes());
            Cli.Result push = cli.run("wal-push", segment.toString(), "--data-dir", data.toString(), "--repo",
                    dir.resolve("repo").toString(), "--no-encrypt");
            assertEquals(0, push.exit(), push.toString());
        }
        return data;
    }

    @Test
    void metricsShowTheArchiveAndAGapOrASilentArchiveRaisesTheAlarm() throws Exception {
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        Instant before = Instant.now();
        Path data = archive(cli);
        Instant after = Instant.now();
        Path config = dir.resolve("lifeboat.yaml");
        Files.writeString(config, "jobs:\n  cluster:\n    source: postgresql://postgres@127.0.0.1:5432/postgres\n"
                + "    source-options: { physical: true }\n    repositories: [ \"" + repo + "\" ]\n"
                + "    encryption: none\n    wal-max-age: 15min\n"
                + "  logical:\n    source: postgresql://postgres@127.0.0.1:5432/postgres\n"
                + "    repositories: [ \"" + dir.resolve("other") + "\" ]\n    encryption: none\n");
        LifeboatConfig loaded = ConfigReader.read(config, Map.of(), ENGINES);

        MutableClock clock = new MutableClock(after.plusSeconds(60));
        List<Event> alarms = new CopyOnWriteArrayList<>();
        List<String> logged = new CopyOnWriteArrayList<>();
        Log log = (event, fields) -> logged.add(event + " " + fields);
        WalWatch watch = new WalWatch(clock, spec -> Repositories.open(spec, Map.of()), ENGINES, log);
        try (Deliveries deliveries = new Deliveries(log, Duration.ofSeconds(5))) {
            Notifier notifier = new Notifier(List.of(new Recorder(alarms)), NotifySettings.NONE, deliveries);
            watch.checkIfDue(loaded, job -> notifier);

            assertEquals(1, watch.statuses().size(), "only the physical job is watched");
            WalWatch.Status status = watch.statuses().get(0);
            assertEquals("cluster", status.job());
            assertEquals(0, status.gaps());
            Instant last = status.lastArchived().orElseThrow();
            assertTrue(!last.isBefore(before.minusSeconds(1)) && !last.isAfter(after), last.toString());
            String metrics = served(loaded, watch);
            Promtool.checkMetrics(metrics, dir);
            assertTrue(metrics.contains("lifeboat_wal_gaps{lifeboat_job=\"cluster\"} 0\n"), metrics);
            assertTrue(metrics.contains("lifeboat_wal_last_archived_timestamp_seconds{lifeboat_job=\"cluster\"} "
                    + String.format(java.util.Locale.ROOT, "%.3f", last.toEpochMilli() / 1000.0)), metrics);
            double lag = Double.parseDouble(metrics.lines().filter(l -> l.startsWith("lifeboat_wal_archive_lag_seconds{"))
                    .findFirst().orElseThrow().split(" ")[1]);
            assertEquals(Duration.between(last, clock.instant()).toMillis() / 1000.0, lag, 0.001);
            assertTrue(lag >= 60, metrics);
            assertTrue(metrics.lines().noneMatch(l -> l.startsWith("lifeboat_wal_") && l.contains("logical")), metrics);
            assertTrue(!metrics.contains("lifeboat_wal_window_start_timestamp_seconds{"),
                    "no base backup, so no restorable window: " + metrics);
            Thread.sleep(200);
            assertEquals(List.of(), alarms);

            // A stored segment goes missing: a gap, reported once (a second check within the minute does nothing,
            // and the next minute's check finds the same problem already reported).
            Path cluster = repo.resolve("wal").resolve(SYSTEM);
            try (Stream<Path> files = Files.list(cluster)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("000000010000000000000002"))
                        .toList()) {
                    Files.delete(f);
                }
            }
            watch.checkIfDue(loaded, job -> notifier);
            assertEquals(0, watch.statuses().get(0).gaps(), "checked at most once a minute");
            clock.advance(Duration.ofMinutes(1));
            watch.checkIfDue(loaded, job -> notifier);
            assertEquals(1, watch.statuses().get(0).gaps());
            assertTrue(served(loaded, watch).contains("lifeboat_wal_gaps{lifeboat_job=\"cluster\"} 1\n"));
            clock.advance(Duration.ofMinutes(1));
            watch.checkIfDue(loaded, job -> notifier);
            waitFor(alarms, 1);
            Thread.sleep(200);
            assertEquals(1, alarms.size(), alarms.toString());
            assertEquals(Event.Kind.WAL, alarms.get(0).kind());
            assertTrue(alarms.get(0).message().contains("1 WAL segment(s) missing"), alarms.get(0).message());
            assertTrue(alarms.get(0).headline().contains("wal of cluster ALARM"), alarms.get(0).headline());
            assertTrue(logged.stream().anyMatch(l -> l.startsWith("wal_alarm")), logged.toString());

            // The gap mended (here: pushed again), the archive then goes quiet past wal-max-age.
            Cli.Result again = cli.run("wal-push", data.resolve("pg_wal").resolve("000000010000000000000002")
                    .toString(), "--data-dir", data.toString(), "--repo", repo.toString(), "--no-encrypt");
            assertEquals(0, again.exit(), again.toString());
            clock.set(Instant.now().plus(Duration.ofMinutes(10)));
            watch.checkIfDue(loaded, job -> notifier);
            assertEquals(0, watch.statuses().get(0).gaps());
            Thread.sleep(200);
            assertEquals(1, alarms.size(), "mended and newer than 15 minutes: " + alarms);
            clock.advance(Duration.ofMinutes(10));
            watch.checkIfDue(loaded, job -> notifier);
            waitFor(alarms, 2);
            assertTrue(alarms.get(1).message().contains("no WAL archived since")
                    && alarms.get(1).message().contains("wal-max-age 15min"), alarms.get(1).message());
        }
    }

    @Test
    void aQuietArchiveOfAServerThatIsDownIsNoAlarmAFailingArchiveCommandIs() throws Exception {
        archive(new Cli(dir.resolve("scratch")));
        List<Event> alarms = new CopyOnWriteArrayList<>();
        MutableClock clock = new MutableClock(Instant.now().plus(Duration.ofHours(1)));
        Log log = (event, fields) -> { };
        try (Deliveries deliveries = new Deliveries(log, Duration.ofSeconds(5));
             dev.lifeboat.testing.PgCluster cluster = dev.lifeboat.testing.PgCluster.start()) {
            Notifier notifier = new Notifier(List.of(new Recorder(alarms)), NotifySettings.NONE, deliveries);
            int closed;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            Path config = dir.resolve("lifeboat.yaml");
            Files.writeString(config, "jobs:\n  down:\n    source: postgresql://postgres@127.0.0.1:" + closed
                    + "/postgres\n    source-options: { physical: true }\n    repositories: [ \"" + dir.resolve("repo")
                    + "\" ]\n    encryption: none\n    wal-max-age: 15min\n"
                    + "  failing:\n    source: " + cluster.url() + "\n    source-options: { physical: true }\n"
                    + "    repositories: [ \"" + dir.resolve("repo") + "\" ]\n    encryption: none\n");
            LifeboatConfig loaded = ConfigReader.read(config, Map.of(), ENGINES);
            WalWatch watch = new WalWatch(clock, spec -> Repositories.open(spec, Map.of()), ENGINES, log);
            watch.check(loaded, job -> notifier);
            Thread.sleep(300);
            assertEquals(List.of(), alarms, "an hour quiet, but the server is down; the archiver has not failed yet");

            cluster.execute("ALTER SYSTEM SET archive_command = 'false'", "SELECT pg_reload_conf()",
                    "CREATE TABLE t AS SELECT 1 AS x", "SELECT pg_switch_wal()");
            for (int i = 0; i < 200 && Long.parseLong(dev.lifeboat.testing.PgCluster.query(cluster.port(),
                    "SELECT failed_count FROM pg_stat_archiver")) == 0; i++) {
                Thread.sleep(50);
            }
            watch.check(loaded, job -> notifier);
            waitFor(alarms, 1);
            assertEquals("failing", alarms.get(0).job());
            assertTrue(alarms.get(0).message().contains("archive_command is failing (pg_stat_archiver: "),
                    alarms.get(0).message());
        }
    }

    /**
     * A daemon set up before the first WAL push and the first base backup finds no repository yet:
     * an empty archive, no alarm, until the server has archived nothing for longer than wal-max-age.
     */
    @Test
    void aRepositoryNotMadeYetIsAnEmptyArchiveUntilWalMaxAge() throws Exception {
        Path config = dir.resolve("lifeboat.yaml");
        Files.writeString(config, "jobs:\n  cluster:\n    source: postgresql://postgres@127.0.0.1:5432/postgres\n"
                + "    source-options: { physical: true }\n    repositories: [ \"" + dir.resolve("not-yet") + "\" ]\n"
                + "    encryption: none\n    wal-max-age: 15min\n");
        LifeboatConfig loaded = ConfigReader.read(config, Map.of(), ENGINES);
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T02:00:00Z"));
        List<Event> alarms = new CopyOnWriteArrayList<>();
        Log log = (event, fields) -> { };
        WalWatch watch = new WalWatch(clock, spec -> Repositories.open(spec, Map.of()), ENGINES, log);
        try (Deliveries deliveries = new Deliveries(log, Duration.ofSeconds(5))) {
            Notifier notifier = new Notifier(List.of(new Recorder(alarms)), NotifySettings.NONE, deliveries);
            watch.check(loaded, job -> notifier);
            assertEquals(1, watch.statuses().size());
            assertEquals(Optional.empty(), watch.statuses().get(0).lastArchived());
            assertEquals(0, watch.statuses().get(0).gaps());
            Thread.sleep(200);
            assertEquals(List.of(), alarms, "nothing is wrong yet");

            clock.advance(Duration.ofMinutes(16));
            watch.check(loaded, job -> notifier);
            waitFor(alarms, 1);
            assertTrue(alarms.get(0).message().contains("no WAL archived since the daemon started, longer than"
                    + " wal-max-age 15min"), alarms.get(0).message());
            assertTrue(!Files.exists(dir.resolve("not-yet")), "watching makes no repository");
        }
    }

    private static String served(LifeboatConfig config, WalWatch watch) throws Exception {
        try (StatusServer server = StatusServer.start(new ServerConfig("127.0.0.1", 0), () -> config,
                JobStatuses.recorded(java.time.Clock.systemUTC(), Optional.empty()), Optional.empty(),
                watch::statuses)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.address().getPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body();
        }
    }

    private static void waitFor(List<Event> alarms, int count) throws InterruptedException {
        for (int i = 0; i < 100 && alarms.size() < count; i++) {
            Thread.sleep(50);
        }
        assertEquals(count, alarms.size(), alarms.toString());
    }

    /** A channel that keeps what it is handed. */
    private record Recorder(List<Event> events) implements Channel {
        @Override
        public String describe() {
            return "recorder";
        }

        @Override
        public boolean wants(Event event) {
            return true;
        }

        @Override
        public void deliver(Event event) {
            events.add(event);
        }
    }
}
