package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.WalNames;
import dev.lifeboat.source.postgres.PgBinaries;
import dev.lifeboat.source.postgres.PostgresOsUser;
import dev.lifeboat.source.postgres.TarExtractor;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.NoSpace;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Pipeline;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.repository.WalArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Restores a cluster to a point: the newest base backup before the target, the WAL chain it
 * needs checked (present, undamaged) before the data directory is touched, the directory's
 * old contents moved aside (never deleted), the base backup extracted, {@code recovery.signal}
 * and the recovery settings written with Lifeboat's wal-fetch as restore_command, the files
 * handed to the PostgreSQL OS user, and optionally the server started and watched until
 * recovery reached the target and was promoted.
 */
public final class PointInTimeRestore {
    static final String KIND = "postgresql-physical";
    private static final DateTimeFormatter ASIDE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(java.time.ZoneOffset.UTC);
    private final Clock clock;

    public PointInTimeRestore(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param restoreCommand the restore_command to write, with %f and %p
     * @param timeline recovery_target_timeline: {@code current} (the base backup's), {@code latest} or a number
     * @param port a port for the restored server, or empty to keep the backup's
     */
    public record Request(Repository repository, String backup, Optional<String> name, Path dataDir,
                          RecoveryTarget target, String timeline, BackupKey key, String restoreCommand,
                          PostgresOsUser osUser,
                          boolean start, Optional<String> startCommand, OptionalInt port, Duration timeout) {
    }

    /** @param reached what PostgreSQL said about where recovery stopped, when it was started */
    public record Report(Manifest backup, Path dataDir, Optional<Path> movedAside, RecoveryTarget target,
                         boolean started, Optional<String> reached) {
    }

    /**
     * The restore_command for a restored cluster: a running restore's {@link WalFeeder} answers first,
     * otherwise {@code walFetch} (a wal-fetch command line with %f and %p) does.
     */
    public static String restoreCommand(String walFetch) {
        return WalFeeder.restoreCommand(walFetch);
    }

    public Report restore(Request request) throws IOException {
        if (!request.timeline().matches("current|latest|\\d{1,9}")) {
            throw new LifeboatException(ExitCode.USAGE, "--target-timeline '" + request.timeline() + "' is not"
                    + " current, latest or a timeline number");
        }
        Manifest backup = choose(request);
        String systemId = property(backup, "system_identifier");
        long segmentSize = Long.parseLong(property(backup, "wal_segment_size"));
        requireWal(request, backup, systemId, segmentSize);
        Path dir = request.dataDir().toAbsolutePath().normalize();
        if (Files.exists(dir.resolve("postmaster.pid"))) {
            throw new LifeboatException(ExitCode.TARGET, dir + " holds postmaster.pid: a server runs on it (or"
                    + " crashed); stop it with 'pg_ctl -D " + dir + " stop' first; nothing was changed");
        }
        try (RepositoryLock inUse = request.repository().markInUse(backup.id(), "point-in-time restore")) {
            Optional<Path> aside = moveAside(dir);
            DataDirectorySync durable;
            try {
                extract(request, backup, dir);
                writeRecoverySettings(request, dir);
                request.osUser().own(dir);
                durable = DataDirectorySync.start(dir);
                if (!request.start()) {
                    durable.await().ifPresent(e -> {
                        throw notWritten(backup, dir, e);
                    });
                }
            } catch (IOException | RuntimeException e) {
                putBack(dir, aside, e);
                throw e;
            }
            Optional<String> reached = Optional.empty();
            if (request.start()) {
                reached = Optional.of(recover(request, backup, systemId, segmentSize, dir, aside, durable));
            }
            return new Report(backup, dir, aside, request.target(), request.start(), reached);
        }
    }

    /**
     * Starts the restored cluster while the sync still runs (PostgreSQL syncs the directory again as it
     * starts), and watches it until promoted; a sync that failed stops the server and puts the old contents
     * back, as it does before a restore without --start.
     */
    private static String recover(Request request, Manifest backup, String systemId, long segmentSize, Path dir,
                                  Optional<Path> aside, DataDirectorySync durable) throws IOException {
        RecoveryWatch watch = new RecoveryWatch(request.osUser(), dir, request.timeout(),
                PgBinaries.forVersion(backup.facts().engineVersion()), request.startCommand());
        LifeboatException unsynced;
        try (WalFeeder feeder = WalFeeder.start(request.repository(), systemId, request.key().given(), dir,
                property(backup, "start_wal"), segmentSize, request.osUser())) {
            watch.start();
            feeder.historiesAhead();
            Optional<IOException> failed = durable.await();
            if (failed.isEmpty()) {
                return watch.awaitPromotion();
            }
            unsynced = notWritten(backup, dir, failed.get());
            watch.stopNow();
        }
        putBack(dir, aside, unsynced);
        throw unsynced;
    }

    private Manifest choose(Request request) throws IOException {
        Repository repository = request.repository();
        if (!"latest".equals(request.backup())) {
            Manifest m = repository.manifest(request.backup()).orElseThrow(() -> new LifeboatException(
                    ExitCode.NOT_FOUND, "no backup " + request.backup() + " in " + repository.location()
                    + "; run 'lifeboat list --repo " + repository.location() + "'"));
            if (!KIND.equals(m.source().kind())) {
                throw new LifeboatException(ExitCode.USAGE, "backup " + m.id() + " is a " + m.source().kind()
                        + " backup, not a base backup; restore it with --to TARGET");
            }
            return m;
        }
        List<Manifest> bases = repository.manifests().stream()
                .filter(m -> KIND.equals(m.source().kind()))
                .filter(m -> request.name().map(n -> n.equals(m.name())).orElse(true))
                .filter(m -> before(m, request.target()))
                .sorted(Manifest.OLDEST_FIRST).toList();
        if (bases.isEmpty()) {
            throw new LifeboatException(ExitCode.NOT_FOUND, "no base backup" + request.name().map(n -> " named " + n)
                    .orElse("") + " in " + repository.location() + " ends before " + request.target().describe()
                    + "; take one with 'lifeboat backup postgresql://… --physical' or choose a later target");
        }
        return bases.get(bases.size() - 1);
    }

    /** A base backup serves a target that lies after its end (its consistency point). */
    private static boolean before(Manifest m, RecoveryTarget target) {
        if (target instanceof RecoveryTarget.Time time) {
            return !m.finishedAt().isAfter(time.time());
        }
        if (target instanceof RecoveryTarget.Lsn lsn) {
            return Long.compareUnsigned(WalNames.parseLsn(property(m, "stop_lsn")).orElseThrow(), lsn.lsn()) <= 0;
        }
        return true;
    }

    static String property(Manifest m, String name) {
        String value = m.facts().properties().get(name);
        if (value == null) {
            throw new LifeboatException(ExitCode.INTEGRITY, "the manifest of base backup " + m.id() + " lacks "
                    + name + "; take a fresh base backup");
        }
        return value;
    }

    /**
     * The segments from the backup's start on must be archived and intact up to where the target
     * lies (for a time, the first segment archived after it; otherwise all of them), the backup's
     * own stop segment included, before anything is changed.
     */
    private void requireWal(Request request, Manifest backup, String systemId, long segmentSize) throws IOException {
        WalArchive archive = request.repository().wal();
        String startWal = property(backup, "start_wal");
        String stopWal = property(backup, "stop_wal");
        WalChain.Report chain = new WalChain(archive, segmentSize).check(systemId, Optional.of(startWal));
        Optional<String> limit = limit(request.target(), archive, systemId, startWal, segmentSize);
        for (WalChain.Timeline timeline : chain.timelines()) {
            List<String> problems = new ArrayList<>();
            timeline.missing().stream().filter(s -> within(s, limit, stopWal)).map(s -> "segment " + s
                    + " is missing").forEach(problems::add);
            timeline.damaged().stream().filter(s -> within(s, limit, stopWal)).map(s -> "segment " + s
                    + " is damaged (its stored bytes differ from its record)").forEach(problems::add);
            if (!problems.isEmpty()) {
                throw new LifeboatException(ExitCode.INTEGRITY, "cannot restore base backup " + backup.id() + " to "
                        + request.target().describe() + ": WAL " + problems.get(0) + " in " + archive.location()
                        + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "") + "; restore it"
                        + " from another copy or choose an earlier target; nothing was changed");
            }
        }
        boolean stopArchived = chain.timelines().stream().anyMatch(t -> t.id() == WalNames.timeline(stopWal)
                && t.last().compareTo(stopWal) >= 0);
        if (!stopArchived) {
            throw new LifeboatException(ExitCode.INTEGRITY, "cannot restore base backup " + backup.id() + ": WAL"
                    + " segment " + stopWal + ", which makes it consistent, is not archived in " + archive.location()
                    + "; check archive_command (lifeboat wal-push) and pg_stat_archiver; nothing was changed");
        }
    }

    /** Past this segment, WAL does not matter for the target; empty means all of it does. */
    private static Optional<String> limit(RecoveryTarget target, WalArchive archive, String systemId, String start,
                                          long segmentSize) throws IOException {
        if (target instanceof RecoveryTarget.Lsn lsn) {
            return Optional.of(WalNames.segmentOf(WalNames.timeline(start), lsn.lsn(), segmentSize));
        }
        if (target instanceof RecoveryTarget.Time time) {
            for (String name : archive.names(systemId)) {
                if (WalNames.isSegment(name) && name.compareTo(start) >= 0) {
                    Optional<WalArchive.Entry> entry = archive.entry(systemId, name);
                    if (entry.isPresent() && entry.get().archivedAt().isAfter(time.time())) {
                        return Optional.of(name);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Segment numbers compare across timelines by their last 16 digits. */
    private static boolean within(String segment, Optional<String> limit, String stopWal) {
        String position = segment.substring(8);
        return position.compareTo(stopWal.substring(8)) <= 0
                || limit.map(l -> position.compareTo(l.substring(8)) <= 0).orElse(true);
    }

    private Optional<Path> moveAside(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return Optional.empty();
        }
        if (!Files.isDirectory(dir)) {
            throw new LifeboatException(ExitCode.TARGET, dir + " is not a folder; give a data directory");
        }
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                return Optional.empty();
            }
        }
        Path aside = dir.resolveSibling(dir.getFileName() + ".pre-restore-" + ASIDE.format(clock.instant()));
        try {
            Files.move(dir, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.TARGET, "cannot move " + dir + " aside to " + aside + " ("
                    + e.getMessage() + "); give a new or empty --to-data-dir; nothing was changed", e);
        }
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return Optional.of(aside);
    }

    /** After a failure: the half-restored directory goes, what was there comes back. */
    private static void putBack(Path dir, Optional<Path> aside, Exception failure) {
        try {
            deleteTree(dir);
            if (aside.isPresent()) {
                Files.move(aside.get(), dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * The base backup's tar, unsealed with both digests checked and extracted on a thread of its own.
     * Whatever fails to be written (a full disk) is the target's failure, in one line.
     */
    private static void extract(Request request, Manifest backup, Path dir) throws IOException {
        try (InputStream stored = request.repository().openObject(backup)) {
            try (TarExtractor extractor = new TarExtractor(dir)) {
                Pipeline.unseal(stored, extractor, Compression.parse(backup.compression().algorithm()),
                        request.key().decryption(backup), backup.seal(), n -> { });
                extractor.finish();
            } catch (IOException e) {
                throw notWritten(backup, dir, e);
            }
        }
    }

    private static LifeboatException notWritten(Manifest backup, Path dir, IOException e) {
        boolean full = NoSpace.isCause(e);
        return new LifeboatException(ExitCode.TARGET, "cannot write base backup " + backup.id() + " into " + dir
                + " (" + (full ? "no space left on device" : e.getMessage()) + "); " + (full ? "free space"
                + " there" : "check that disk and its kernel log") + " or give another --to-data-dir; the"
                + " previous contents were put back", e);
    }

    private static void writeRecoverySettings(Request request, Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve("standby.signal"));
        // Marks of files the backed-up cluster archived ahead mean nothing for this one.
        deleteTree(dir.resolve(WalPush.ARCHIVED));
        deleteTree(dir.resolve(WalFetch.SPOOL));
        Files.write(dir.resolve("recovery.signal"), new byte[0]);
        StringBuilder settings = new StringBuilder("\n# written by lifeboat restore\n")
                .append("restore_command = '").append(request.restoreCommand().replace("'", "''")).append("'\n")
                .append("recovery_target_timeline = '").append(request.timeline()).append("'\n")
                .append(request.target().settings());
        if (!(request.target() instanceof RecoveryTarget.EndOfWal)) {
            settings.append("recovery_target_action = 'promote'\n");
        }
        request.port().ifPresent(port -> settings.append("port = ").append(port).append('\n'));
        Files.writeString(dir.resolve("postgresql.auto.conf"), settings, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
