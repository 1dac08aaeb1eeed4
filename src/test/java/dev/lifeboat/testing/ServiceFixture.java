package dev.lifeboat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupReport;
import dev.lifeboat.backup.BackupRequest;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.BackupService;
import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.backup.Retries;
import dev.lifeboat.catalog.Catalog;
import dev.lifeboat.catalog.Run;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.manifest.BackupIds;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The parts the services are built from, wired as the command line wires them around a folder
 * and a clock the test owns: a real catalog (SQLite, WAL), scratch space and engines. Backups
 * for a test to verify or restore are made by the real {@link BackupService}.
 */
public final class ServiceFixture implements AutoCloseable {
    public final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T02:00:00Z"));
    public final Catalog catalog;
    public final RunTracker tracker;
    public final ScratchSpace scratch;
    public final Engines engines = Engines.standard(Duration.ofSeconds(5));
    public final BackupRunner backups;
    /** What the tracker warned about; a test of a working catalog expects none. */
    public final List<String> warnings = new ArrayList<>();

    public ServiceFixture(Path dir) {
        catalog = Catalog.open(dir.resolve("state").resolve("catalog.db"), clock);
        tracker = new RunTracker(Optional.of(catalog), warnings::add);
        scratch = new ScratchSpace(dir.resolve("scratch"));
        backups = new BackupRunner(clock, scratch, Progress.NONE, Retries.NONE);
    }

    /** Backs {@code db} up into {@code repo} as {@code name}, a minute after the previous backup. */
    public Manifest backUp(Path db, Path repo, String name, EncryptionRequest encryption) throws Exception {
        clock.advance(Duration.ofMinutes(1));
        BackupRequest request = new BackupRequest(engines.forSpec(db.toString()).sources(db.toString()),
                Optional.of(name), Compression.ZSTD, 3, encryption, List.of(new BackupRequest.Target(repo.toString(),
                true, Optional.empty(), ZoneOffset.UTC)), BackupRunner.Guards.NONE, false, "manual");
        BackupReport.Item item = new BackupService(backups, tracker, spec -> Repositories.open(spec, Map.of()), clock)
                .backUp(request).items().get(0);
        assertEquals(BackupReport.Status.STORED, item.status(), item.toString());
        return item.manifest().orElseThrow();
    }

    public static String location(Path repo) {
        return Repositories.folder(repo).location();
    }

    /** The catalog's backup index for a repository: "ID STATUS" lines, oldest first. */
    public List<String> statuses(Path repo) {
        return catalog.backupStatuses(location(repo));
    }

    /** The catalog's runs of one kind, oldest first. */
    public List<Run> runs(String kind) {
        List<Run> newestFirst = catalog.history(Optional.empty(), 1000).stream().filter(r -> r.kind().equals(kind))
                .toList();
        List<Run> oldestFirst = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    /** The stored object of a backup. */
    public static Path object(Path repo, String id) throws Exception {
        try (Stream<Path> files = Files.list(repo.resolve("backups").resolve(id))) {
            return files.filter(p -> p.getFileName().toString().startsWith("snapshot.")).findFirst().orElseThrow();
        }
    }

    /** Flips one bit in the middle of a backup's stored object, as bit rot or an attacker would. */
    public static void tamper(Path repo, String id) throws Exception {
        Path object = object(repo, id);
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(object, bytes);
    }

    /** Adds a copy of {@code genuine} under a new id whose manifest is cut short; returns the id. */
    public String plantDamaged(Path repo, String genuine) throws Exception {
        clock.advance(Duration.ofMinutes(1));
        String id = BackupIds.newId(clock.instant());
        Path copy = Files.createDirectories(repo.resolve("backups").resolve(id));
        Files.copy(object(repo, genuine), copy.resolve(object(repo, genuine).getFileName()));
        Files.writeString(copy.resolve("manifest.json"), "{\"id\": \"" + id);
        return id;
    }

    /** Names of the records stored next to a backup, such as verify-….json. */
    public static List<String> records(Path repo, String id) throws Exception {
        try (Stream<Path> files = Files.list(repo.resolve("backups").resolve(id))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("verify-")).sorted().toList();
        }
    }

    @Override
    public void close() {
        catalog.close();
    }
}
