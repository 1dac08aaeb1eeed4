package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Lock files in {@code REPO/locks}, created with O_EXCL. A live holder refreshes the file's
 * modification time every minute; a lock whose owner is dead on this host, or whose heartbeat is
 * older than {@link #STALE}, is taken over. Works across hosts sharing the folder.
 */
final class FileLocks {
    static final Duration HEARTBEAT = Duration.ofMinutes(1);
    static final Duration STALE = Duration.ofMinutes(10);
    private static final String IN_USE = "in-use-";
    private final Path dir;
    private final String location;
    private final Clock clock;

    FileLocks(Path dir, String location, Clock clock) {
        this.dir = dir;
        this.location = location;
        this.clock = clock;
    }

    RepositoryLock lock(String scope, String purpose) throws IOException {
        return acquire(dir.resolve(safe(scope) + ".lock"), scope, purpose);
    }

    RepositoryLock markInUse(String backupId, String purpose) throws IOException {
        ProcessOwner self = ProcessOwner.current();
        return acquire(dir.resolve(IN_USE + backupId + "-" + self.pid() + ".lock"), backupId, purpose);
    }

    Set<String> inUse() throws IOException {
        Set<String> ids = new HashSet<>();
        for (Path file : lockFiles()) {
            if (file.getFileName().toString().startsWith(IN_USE)) {
                read(file).filter(info -> !isStale(file, info)).ifPresent(info -> ids.add(info.scope()));
            }
        }
        return ids;
    }

    /**
     * Removes the in-use marks of readers that are gone: owner dead on this host, or heartbeat
     * older than {@link #STALE}. A mark that cannot be read names no owner, so only its age counts.
     */
    int removeStaleInUse() throws IOException {
        int removed = 0;
        for (Path file : lockFiles()) {
            if (file.getFileName().toString().startsWith(IN_USE)
                    && read(file).map(info -> isStale(file, info)).orElseGet(() -> silent(file))
                    && Files.deleteIfExists(file)) {
                removed++;
            }
        }
        return removed;
    }

    List<String> unlock(Optional<String> scope) throws IOException {
        List<String> removed = new ArrayList<>();
        for (Path file : lockFiles()) {
            Optional<LockInfo> info = read(file);
            if (scope.isEmpty() || info.map(i -> i.scope().equals(scope.get())).orElse(false)) {
                Files.deleteIfExists(file);
                removed.add(info.map(LockInfo::describe).orElse(file.getFileName().toString()));
            }
        }
        return removed;
    }

    private RepositoryLock acquire(Path file, String scope, String purpose) throws IOException {
        DurableFiles.createPrivateDirectories(dir);
        LockInfo mine = new LockInfo(scope, purpose, ProcessOwner.current().token(), clock.instant());
        Optional<String> tookOver = Optional.empty();
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.write(Files.createFile(file, DurableFiles.privateFile()), Json.write(mine),
                        StandardOpenOption.WRITE);
                return new Held(file, tookOver);
            } catch (FileAlreadyExistsException e) {
                Optional<LockInfo> holder = read(file);
                if (holder.isPresent() && !isStale(file, holder.get())) {
                    throw new LifeboatException(ExitCode.LOCKED, "'" + scope + "' in " + location + " is locked by "
                            + holder.get().describe() + "; wait for it to finish, or run 'lifeboat unlock --repo "
                            + location + "' if that process is gone");
                }
                tookOver = Optional.of(holder.map(LockInfo::describe).orElse("an unreadable lock"));
                Files.deleteIfExists(file);
            }
        }
        throw new LifeboatException(ExitCode.LOCKED, "'" + scope + "' in " + location
                + " was locked again while a stale lock was taken over; retry");
    }

    private boolean isStale(Path file, LockInfo info) {
        boolean deadHere = ProcessOwner.parse(info.owner()).map(ProcessOwner::isDeadOnThisHost).orElse(true);
        return deadHere || silent(file);
    }

    /** True when the holder last refreshed {@code file} longer than {@link #STALE} ago, or it is gone. */
    private boolean silent(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(clock.instant().minus(STALE));
        } catch (IOException e) {
            return true;
        }
    }

    private Optional<LockInfo> read(Path file) {
        try {
            return Optional.of(Json.read(Files.readAllBytes(file), LockInfo.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private List<Path> lockFiles() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".lock")).sorted().toList();
        }
    }

    private static String safe(String scope) {
        return scope.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** A lock file kept fresh by a daemon thread until closed. */
    private final class Held implements RepositoryLock {
        private final Path file;
        private final Optional<String> tookOver;
        private final Heartbeat heartbeat;

        Held(Path file, Optional<String> tookOver) {
            this.file = file;
            this.tookOver = tookOver;
            this.heartbeat = new Heartbeat("lifeboat-lock-heartbeat", HEARTBEAT, this::beat);
        }

        private void beat() {
            try {
                Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
            } catch (IOException e) {
                // The next beat retries; a lock that stays unrefreshed becomes stale, which is safe.
            }
        }

        @Override
        public Optional<String> tookOverFrom() {
            return tookOver;
        }

        @Override
        public void close() {
            heartbeat.close();
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A leftover lock of a dead process is taken over by the next run.
            }
        }
    }
}
