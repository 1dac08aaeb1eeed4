package dev.lifeboat.purge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.catalog.PurgeAudit;
import dev.lifeboat.job.JobLocks;
import dev.lifeboat.job.JobOutcome;
import dev.lifeboat.job.JobRunner;
import dev.lifeboat.job.Task;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.JobHarness;
import dev.lifeboat.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each purge run says, per rule, which backups still hold rows past its cutoff (the backups of the
 * purged database taken before the deletes, whose manifests count rows in the rule's table), the
 * oldest of them and the last to go, and when the backup job's retention will drop them; in the
 * run's text, its --json and the catalog's purges table.
 */
class PurgeReportTest {
    private static final Instant START = Instant.parse("2026-03-01T02:00:00Z");
    @TempDir
    Path dir;

    @Test
    void thePurgeNamesTheOldestBackupStillHoldingPurgedRowsAndWhenRetentionDropsIt() throws Exception {
        MutableClock clock = new MutableClock(START);
        Path db = dir.resolve("shop.db");
        Path repo = dir.resolve("repo");
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE people(id INTEGER PRIMARY KEY, created_at TEXT)");
            st.execute("CREATE TABLE sessions(id INTEGER PRIMARY KEY, seen TEXT)");
            st.execute("INSERT INTO people VALUES (1, '" + START.minus(Duration.ofDays(100)) + "'), (2, '"
                    + START.minus(Duration.ofDays(1)) + "')");
        }
        String yaml = """
                timezone: UTC
                jobs:
                  shop:
                    source: %s
                    repositories:
                      - path: %s
                        retention: { keep-last: 3 }
                    encryption: none
                    schedule: "0 2 * * *"
                  gdpr:
                    kind: purge
                    source: sqlite:%s
                    backup-first: shop
                    rules:
                      - { table: people, column: created_at, older-than: 30d }
                      - { table: sessions, column: seen, older-than: 30d }
                """.formatted(db, repo, dir.resolve(".").resolve("shop.db"));
        try (JobHarness harness = new JobHarness(dir, clock)) {
            JobRunner runner = harness.runner(JobHarness.config(yaml), JobLocks.NONE);
            for (int day = 0; day < 3; day++) {
                assertEquals("COMPLETED", runner.run("shop", Task.BACKUP, "schedule", false).status().name());
                clock.advance(Duration.ofDays(1));
            }
            clock.set(START.plus(Duration.ofDays(2)).plus(Duration.ofMinutes(30)));
            JobOutcome purge = runner.run("gdpr", Task.PURGE, "manual", false);
            assertEquals("COMPLETED", purge.status().name(), purge.message());

            List<String> ids = backupIds(repo);
            assertEquals(3, ids.size(), "keep-last 3 dropped the first backup after the fourth: " + ids);
            PurgeReport report = purge.purge().orElseThrow();
            PurgeReport.Rule people = report.rules().get(0);
            assertEquals(1, people.rows());
            BackupsHolding held = people.backups().orElseThrow();
            assertEquals(3, held.backups(), "the three backups taken before the deletes, the backup-first one too");
            BackupsHolding.Copy oldest = held.oldest().orElseThrow();
            assertEquals(ids.get(0), oldest.backupId());
            assertEquals(repo.toString(), oldest.repository());
            // Retention runs after each daily 02:00 backup; keep-last 3 drops the oldest after the next one.
            assertEquals(Instant.parse("2026-03-04T02:00:00Z"), oldest.dropped().orElseThrow());
            assertEquals("2026-03-04T02:00:00Z (after 1 more backup(s), keep-last 3)", oldest.when());
            BackupsHolding.Copy last = held.lastToGo().orElseThrow();
            assertEquals(ids.get(2), last.backupId(), "the backup taken first by this purge run");
            assertEquals(Instant.parse("2026-03-06T02:00:00Z"), last.dropped().orElseThrow());
            assertTrue(held.assumption().contains("a backup of job shop at each time of its schedule '0 2 * * *'"),
                    held.assumption());

            BackupsHolding sessions = report.rules().get(1).backups().orElseThrow();
            assertEquals(0, sessions.backups(), "no backup counts rows in an empty table");

            PurgeAudit audit = harness.records.purgeAudit("gdpr").get(0);
            assertEquals(ids.get(0), audit.oldestBackup());
            assertEquals(Instant.parse("2026-03-04T02:00:00Z"), audit.oldestDropped());
            assertEquals(Instant.parse("2026-03-06T02:00:00Z"), audit.allDropped());
        }

        Cli.Result text = new Cli(dir.resolve("scratch")).run("run", "gdpr", "--config",
                Files.writeString(dir.resolve("lifeboat.yaml"), yaml).toString(), "--dry-run");
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("people.created_at older than 30d: would delete 1 row(s)"), text.out());
        assertTrue(text.out().contains("backups holding such rows: 3; the oldest, "), text.out());
        assertTrue(text.out().contains("sessions.seen older than 30d: would delete 0 row(s)"), text.out());
        assertTrue(text.out().contains("backups: none holds such rows"), text.out());

        Cli.Result json = new Cli(dir.resolve("scratch")).run("run", "gdpr", "--config",
                dir.resolve("lifeboat.yaml").toString(), "--dry-run", "--json");
        assertEquals(0, json.exit(), json.toString());
        JsonNode outcome = new ObjectMapper().readTree(json.out());
        JsonNode rule = outcome.get("purge").get("rules").get(0);
        assertEquals("people", rule.get("table").asText());
        assertEquals(3, rule.get("backups").get("backups").asInt());
        assertTrue(rule.get("backups").get("oldest").get("backup_id").asText().startsWith("20260302T"), json.out());
    }

    private static List<String> backupIds(Path repo) throws Exception {
        try (Repository repository = Repositories.open(repo.toString(), Map.of())) {
            return repository.manifests().stream().map(Manifest::id).toList();
        }
    }
}
