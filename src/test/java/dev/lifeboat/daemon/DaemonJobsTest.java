package dev.lifeboat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.JobHarness;
import dev.lifeboat.testing.MutableClock;
import dev.lifeboat.testing.PgTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs that take engine options run from the daemon on their schedules exactly as the command line
 * runs them: a multi-tenant application's per-tenant backup ({@code schema}), a whole server
 * ({@code all-databases}), and a scheduled verification before the first backup, which has nothing
 * to verify yet and says so instead of failing.
 */
class DaemonJobsTest {
    @TempDir
    Path dir;
    PgTestServer server;

    @BeforeEach
    void setUp() {
        server = new PgTestServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    @Test
    void aPerTenantJobAndAWholeServerJobRunOnTheirSchedules() throws Exception {
        String app = server.createDatabase("lbt_tenants");
        PgTestServer.execute(app, "CREATE SCHEMA tenant_42", "CREATE SCHEMA tenant_7",
                "CREATE TABLE tenant_42.orders (id int)", "INSERT INTO tenant_42.orders SELECT generate_series(1, 42)",
                "CREATE TABLE tenant_7.orders (id int)", "INSERT INTO tenant_7.orders SELECT generate_series(1, 7)");
        Path tenantRepo = dir.resolve("tenant-repo");
        Path serverRepo = dir.resolve("server-repo");
        LifeboatConfig config = JobHarness.config("""
                jobs:
                  tenant:
                    source: %s
                    source-options: { schema: [ tenant_42 ] }
                    repositories: [ %s ]
                    encryption: none
                    timezone: UTC
                    verify: "59 1 * * *"
                    schedule: "0 2 * * *"
                  server:
                    source: postgresql://postgres@127.0.0.1:5432/
                    source-options: { all-databases: true }
                    repositories: [ %s ]
                    encryption: none
                    timezone: UTC
                    schedule: "0 2 * * *"
                """.formatted(PgTestServer.url("postgres", app), tenantRepo, serverRepo));
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T01:58:30Z"));
        try (JobHarness harness = new JobHarness(dir, clock)) {
            // the verification comes before any backup
            runOnSchedule(harness, clock, config, Instant.parse("2025-06-01T01:59:05Z"),
                    Instant.parse("2025-06-01T02:00:05Z"));

            String log = harness.logText();
            String verify = log.lines().filter(l -> l.contains("\"task\":\"verify\"") && l.contains("\"event\":\"run\""))
                    .findFirst().orElseThrow(() -> new AssertionError(log));
            assertTrue(verify.contains("\"status\":\"SKIPPED\"") && verify.contains("nothing to verify yet: no backup"
                    + " of tenant in " + tenantRepo), verify);
            assertTrue(verify.contains("\"trigger\":\"schedule\""), verify);

            List<Manifest> tenant = manifests(tenantRepo);
            assertEquals(1, tenant.size(), log);
            assertEquals(Map.of("tenant_42.orders", 42L), tenant.get(0).facts().tableRows(),
                    "only the tenant's schema is in its backup");
            Run tenantRun = lastBackup(harness, "tenant");
            assertEquals(RunStatus.COMPLETED, tenantRun.status(), tenantRun.toString());
            assertEquals("schedule", tenantRun.trigger());

            Map<String, Manifest> byName = new HashMap<>();
            manifests(serverRepo).forEach(m -> byName.put(m.name(), m));
            // The server is shared with other test runs, whose databases may vanish mid-run; ours must be there.
            assertEquals(Map.of("tenant_42.orders", 42L, "tenant_7.orders", 7L),
                    byName.get("server-" + app).facts().tableRows(), byName.keySet().toString());
            assertEquals("postgresql-globals", byName.get("server-globals").source().kind());
            assertEquals("schedule", lastBackup(harness, "server-" + app).trigger());
        }
    }

    /**
     * Pins hold in the daemon too: a repository first written by a scheduled job is pinned, and a
     * scheduled job with {@code encryption: none} into it is refused with the command line's message.
     */
    @Test
    void aRepositoryFirstWrittenByTheDaemonIsPinnedAndRefusesAnUnencryptedJob() throws Exception {
        dev.lifeboat.crypto.AgeCli.Key key = new dev.lifeboat.crypto.AgeCli(java.nio.file.Files.createDirectories(
                dir.resolve("keys"))).keygen("key");
        Path db = dir.resolve("shop.db");
        Path repo = dir.resolve("repo");
        dev.lifeboat.testing.TestDatabases.walWithUncheckpointedRows(db, 40).close();
        String job = """
                jobs:
                  shop:
                    source: %s
                    repositories: [ %s ]
                    encryption: %s
                    timezone: UTC
                    schedule: "0 2 * * *"
                """;
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T01:59:30Z"));
        try (JobHarness harness = new JobHarness(dir, clock)) {
            runOnSchedule(harness, clock, JobHarness.config(job.formatted(db, repo, "{ recipients: [ \"" + key.publicKey()
                    + "\" ] }")), Instant.parse("2025-06-01T02:00:05Z"));
            clock.set(Instant.parse("2025-06-02T01:59:30Z"));
            runOnSchedule(harness, clock, JobHarness.config(job.formatted(db, repo, "none")),
                    Instant.parse("2025-06-02T02:00:05Z"));

            try (Repository repository = Repositories.folder(repo)) {
                assertEquals(List.of(key.publicKey()), repository.pinnedEncryption().orElseThrow().recipients(),
                        "a repository first written by a scheduled job is pinned");
                assertEquals(1, repository.manifests().size(), "no plaintext backup reached it");
            }
            List<String> runs = harness.logText().lines().filter(l -> l.contains("\"event\":\"run\"")).toList();
            assertEquals(2, runs.size(), harness.logText());
            assertTrue(runs.get(0).contains("\"status\":\"COMPLETED\""), runs.get(0));
            assertTrue(runs.get(1).contains("\"status\":\"FAILED\"") && runs.get(1).contains("repository " + repo
                    + " keeps its backups encrypted (age); use another repository for unencrypted backups"),
                    runs.get(1));
        }
    }

    /** A daemon started now with this config, ticked at each time, and run until its tasks are done. */
    private static void runOnSchedule(JobHarness harness, MutableClock clock, LifeboatConfig config,
                                      Instant... ticks) {
        Lanes lanes = new Lanes(harness.log());
        Scheduler scheduler = new Scheduler(new SplittableRandom(1));
        Daemon daemon = new Daemon(clock, scheduler, lanes, new JobStatuses(clock, Optional.of(harness.records),
                scheduler, lanes), Optional.of(harness.records), c -> harness.runner(c, lanes), harness.log());
        daemon.start(config);
        for (Instant at : ticks) {
            clock.set(at);
            daemon.tick();
        }
        assertTrue(lanes.shutdown(Duration.ofSeconds(300)).isEmpty());
    }

    private static List<Manifest> manifests(Path repo) throws Exception {
        try (Repository repository = Repositories.folder(repo)) {
            return repository.manifests();
        }
    }

    private static Run lastBackup(JobHarness harness, String name) {
        return harness.catalog.history(Optional.of(name), 20).stream().filter(r -> r.kind().equals("backup"))
                .findFirst().orElseThrow(() -> new AssertionError("no backup run of " + name));
    }
}
