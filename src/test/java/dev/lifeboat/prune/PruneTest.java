package dev.lifeboat.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.Retries;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;
import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prune explains every decision, does what its dry run said, and never breaks a listed backup. */
class PruneTest {
    private static final Instant START = Instant.parse("2026-09-01T02:00:00Z");

    @TempDir
    Path dir;
    Path repo;
    Cli cli;

    @BeforeEach
    void setUp() {
        repo = dir.resolve("repo");
        cli = new Cli(dir.resolve("scratch"));
    }

    /** Real backups of a real database, stamped as taken every {@code step} from START on. */
    private List<Manifest> backupsOverTime(int count, Duration step) throws Exception {
        return backupsOverTime(count, step, START);
    }

    private List<Manifest> backupsOverTime(int count, Duration step, Instant first) throws Exception {
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 200).close();
        ScratchSpace scratch = new ScratchSpace(dir.resolve("scratch"));
        Source source = Engines.standard(Duration.ofSeconds(5)).forSpec(db.toString()).source(db.toString());
        Repository repository = Repositories.folder(repo);
        StoredForm form = new StoredForm(Compression.ZSTD, 1, Encryption.NONE);
        for (int i = 0; i < count; i++) {
            Instant at = first.plus(step.multipliedBy(i));
            try (Snapshot snapshot = source.snapshot(scratch)) { // a snapshot is read once
                new BackupRunner(Clock.fixed(at, ZoneOffset.UTC), scratch, Progress.NONE, Retries.NONE).store(snapshot, at,
                        new Manifest.SourceInfo("sqlite", db.toString()), "app", Manifest.PURPOSE_BACKUP, form,
                        repository);
            }
        }
        return repository.manifests();
    }

    private Set<String> listedIds() {
        return cli.run("list", "--repo", repo.toString()).out().lines().skip(1).map(l -> l.split(" ")[0])
                .collect(Collectors.toSet());
    }

    private static Set<String> idsWith(String output, String verdict) {
        return output.lines().filter(l -> l.startsWith(verdict + " ")).map(l -> l.split("\\s+")[1])
                .collect(Collectors.toSet());
    }

    /** "At most 3, none older than 7 days" over 6 backups spread over 10 days, and the verified one stays. */
    @Test
    void capsKeepAtMostTheNewestWithinTheirAgeAndNameTheCapThatDecided() throws Exception {
        List<Manifest> six = backupsOverTime(6, Duration.ofDays(2), Instant.now().minus(Duration.ofDays(10)));
        String oldest = six.get(0).id();
        String[] policy = {"--keep-last", "3", "--keep-within", "7d", "--max-count", "3", "--max-age", "7d"};
        Cli.Result dry = cli.run(concat(new String[] {"prune", "--repo", repo.toString(), "--dry-run"}, policy));
        assertEquals(0, dry.exit(), dry.toString());
        assertEquals(Set.of(six.get(5).id(), six.get(4).id(), six.get(3).id()), idsWith(dry.out(), "keep"), dry.out());
        assertTrue(dry.out().contains("over max-count 3, overrules "), dry.out());

        assertEquals(0, cli.run("verify", oldest, "--repo", repo.toString()).exit());
        Cli.Result real = cli.run(concat(new String[] {"prune", "--repo", repo.toString()}, policy));
        assertEquals(0, real.exit(), real.toString());
        assertEquals(Set.of(six.get(5).id(), six.get(4).id(), six.get(3).id(), oldest), listedIds(),
                "the newest verified backup stays past both caps");
    }

    @Test
    void dryRunExplainsEveryDecisionAndTheRealPruneDoesExactlyThat() throws Exception {
        backupsOverTime(60, Duration.ofHours(13));
        String[] policy = {"--keep-daily", "7", "--keep-weekly", "3", "--keep-monthly", "2", "--time-zone", "UTC"};
        Cli.Result dry = cli.run(concat(new String[] {"prune", "--repo", repo.toString(), "--dry-run"}, policy));
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().startsWith("dry run, nothing deleted; policy: keep-daily 7, keep-weekly 3, keep-monthly 2"),
                dry.out());
        Set<String> keep = idsWith(dry.out(), "keep");
        Set<String> forget = idsWith(dry.out(), "forget");
        assertEquals(60, keep.size() + forget.size(), dry.out());
        assertTrue(keep.size() >= 7 && keep.size() <= 12, dry.out());
        assertTrue(dry.out().lines().filter(l -> l.startsWith("keep ")).allMatch(l -> l.contains("daily")
                || l.contains("weekly") || l.contains("monthly")), "every kept backup names its rule");
        assertEquals(60, listedIds().size(), "a dry run deletes nothing");

        Cli.Result real = cli.run(concat(new String[] {"prune", "--repo", repo.toString()}, policy));
        assertEquals(0, real.exit(), real.toString());
        assertEquals(keep, listedIds());
        assertTrue(real.out().contains("forgot " + forget.size() + " of 60 backups"), real.out());
        assertEquals(0, cli.run("verify", "all", "--repo", repo.toString()).exit());
    }

    @Test
    void newestVerifiedBackupAndBackupsInUseSurviveAnyPolicy() throws Exception {
        List<Manifest> backups = backupsOverTime(6, Duration.ofDays(1));
        Manifest verified = backups.get(1);
        Manifest reading = backups.get(2);
        assertEquals(0, cli.run("verify", verified.id(), "--repo", repo.toString()).exit());
        Repository repository = Repositories.folder(repo);
        try (RepositoryLock inUse = repository.markInUse(reading.id(), "restore")) {
            Cli.Result prune = cli.run("prune", "--repo", repo.toString(), "--keep-last", "1");
            assertEquals(0, prune.exit(), prune.toString());
            assertTrue(prune.out().contains("newest verified backup"), prune.out());
            assertTrue(prune.out().contains("in use by a running restore or verify"), prune.out());
        }
        assertEquals(Set.of(backups.get(5).id(), verified.id(), reading.id()), listedIds());
    }

    @Test
    void policyThatKeepsNothingIsRefused() throws Exception {
        backupsOverTime(2, Duration.ofDays(1));
        Cli.Result prune = cli.run("prune", "--repo", repo.toString());
        assertEquals(ExitCode.USAGE.code(), prune.exit());
        assertTrue(prune.err().contains("would keep nothing"), prune.err());
        assertEquals(2, listedIds().size());
    }

    @Test
    void preRestoreSafetyBackupsHaveTheirOwnPolicy() throws Exception {
        backupsOverTime(3, Duration.ofDays(1));
        Path target = dir.resolve("live.db");
        TestDatabases.walWithUncheckpointedRows(target, 5).close();
        assertEquals(0, cli.run("restore", "latest", "--repo", repo.toString(), "--to", target.toString(),
                "--name", "app", "--yes").exit());
        Cli.Result keepLast = cli.run("prune", "--repo", repo.toString(), "--keep-last", "1", "--dry-run");
        assertTrue(keepLast.out().lines().anyMatch(l -> l.startsWith("keep") && l.contains("pre-restore")
                && l.contains("within 7d")), keepLast.out());
        Cli.Result shortSafety = cli.run("prune", "--repo", repo.toString(), "--keep-last", "1",
                "--keep-safety-within", "1h", "--dry-run");
        assertTrue(shortSafety.out().lines().anyMatch(l -> l.startsWith("keep") && l.contains("pre-restore")),
                "the newest safety backup is taken now, so it is within 1h: " + shortSafety.out());
    }

    @Test
    void pruneKilledMidwayLeavesEveryListedBackupComplete() throws Exception {
        backupsOverTime(150, Duration.ofHours(1));
        Process child = ChildJvm.start(Map.of("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString()),
                dir.resolve("prune.log"), "prune", "--repo", repo.toString(), "--keep-last", "3");
        while (child.isAlive() && listedIds().size() == 150) {
            Thread.sleep(5);
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        Cli.Result verify = cli.run("verify", "all", "--repo", repo.toString());
        assertEquals(0, verify.exit(), "every listed backup is complete and restorable: " + verify);
        // A second prune finishes the job, and the next backup clears what the killed one left behind.
        assertEquals(0, cli.run("prune", "--repo", repo.toString(), "--keep-last", "3").exit());
        assertEquals(3, listedIds().size());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
