package dev.lifeboat.repository.s3;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.repository.Heartbeat;
import dev.lifeboat.repository.LockInfo;
import dev.lifeboat.repository.ProcessOwner;
import dev.lifeboat.repository.RepositoryLock;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Lock objects under {@code PREFIX/locks/}: created with a conditional write where the store
 * supports it and read back either way, so two hosts never both hold one. A holder rewrites its
 * lock every minute; a lock whose owner is dead on this host, or not rewritten for ten minutes,
 * is taken over.
 */
final class S3Locks {
    static final Duration HEARTBEAT = Duration.ofMinutes(1);
    static final Duration STALE = Duration.ofMinutes(10);
    private static final String DIR = "locks/";
    private static final String IN_USE = "in-use-";
    private final S3Objects objects;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    S3Locks(S3Objects objects, Clock clock) {
        this.objects = objects;
        this.clock = clock;
    }

    RepositoryLock lock(String scope, String purpose) throws IOException {
        return acquire(DIR + scope.replaceAll("[^A-Za-z0-9._-]", "_") + ".lock", scope, purpose);
    }

    RepositoryLock markInUse(String backupId, String purpose) throws IOException {
        return acquire(DIR + IN_USE + backupId + "-" + ProcessHandle.current().pid() + "-" + nonce() + ".lock",
                backupId, purpose);
    }

    Set<String> inUse() throws IOException {
        Set<String> ids = new HashSet<>();
        for (S3Objects.Entry entry : objects.list(DIR + IN_USE)) {
            read(entry.key()).filter(info -> !stale(entry, info)).ifPresent(info -> ids.add(info.scope()));
        }
        return ids;
    }

    /**
     * Removes the in-use marks of readers that are gone: owner dead on this host, or not rewritten
     * for {@link #STALE}. A mark that cannot be read names no owner, so only its age counts.
     */
    int removeStaleInUse() throws IOException {
        int removed = 0;
        for (S3Objects.Entry entry : objects.list(DIR + IN_USE)) {
            if (read(entry.key()).map(info -> stale(entry, info)).orElseGet(() -> silent(entry))) {
                objects.delete(entry.key());
                removed++;
            }
        }
        return removed;
    }

    List<String> unlock(Optional<String> scope) throws IOException {
        List<String> removed = new ArrayList<>();
        for (S3Objects.Entry entry : objects.list(DIR)) {
            Optional<LockInfo> info = read(entry.key());
            if (scope.isEmpty() || info.map(i -> i.scope().equals(scope.get())).orElse(false)) {
                objects.delete(entry.key());
                removed.add(info.map(LockInfo::describe).orElse(entry.key()));
            }
        }
        return removed;
    }

    private RepositoryLock acquire(String key, String scope, String purpose) throws IOException {
        Optional<String> tookOver = Optional.empty();
        for (S3Objects.Entry entry : objects.list(key)) {
            if (!entry.key().equals(key)) {
                continue;
            }
            Optional<LockInfo> holder = read(key);
            if (holder.isPresent() && !stale(entry, holder.get())) {
                throw locked(scope, holder.get());
            }
            tookOver = Optional.of(holder.map(LockInfo::describe).orElse("an unreadable lock"));
            objects.delete(key);
        }
        byte[] mine = Json.write(new LockInfo(scope, purpose, ProcessOwner.current().token() + " " + nonce(),
                clock.instant()));
        boolean created = objects.putIfAbsent(key, mine);
        Optional<byte[]> readBack = objects.get(key);
        if (!created || readBack.isEmpty() || !Arrays.equals(readBack.get(), mine)) {
            throw locked(scope, readBack.flatMap(S3Locks::parse).orElse(new LockInfo(scope, "another run", "?",
                    clock.instant())));
        }
        return new Held(key, mine, tookOver);
    }

    private boolean stale(S3Objects.Entry entry, LockInfo info) {
        boolean deadHere = ProcessOwner.parse(ownerToken(info)).map(ProcessOwner::isDeadOnThisHost).orElse(false);
        return deadHere || silent(entry);
    }

    private boolean silent(S3Objects.Entry entry) {
        return entry.lastModified().isBefore(clock.instant().minus(STALE));
    }

    /** The owner field carries a nonce after the process token, so two runs of one process differ. */
    private static String ownerToken(LockInfo info) {
        String[] parts = info.owner().split(" ");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : info.owner();
    }

    private LifeboatException locked(String scope, LockInfo holder) {
        LockInfo shown = new LockInfo(holder.scope(), holder.purpose(), ownerToken(holder), holder.since());
        return new LifeboatException(ExitCode.LOCKED, "'" + scope + "' in " + objects.location() + " is locked by "
                + shown.describe() + "; wait for it to finish, or run 'lifeboat unlock --repo " + objects.location()
                + "' if that process is gone");
    }

    private Optional<LockInfo> read(String key) {
        return objects.get(key).flatMap(S3Locks::parse);
    }

    private static Optional<LockInfo> parse(byte[] bytes) {
        try {
            return Optional.of(Json.read(bytes, LockInfo.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String nonce() {
        byte[] bytes = new byte[6];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A lock object rewritten every minute until closed. */
    private final class Held implements RepositoryLock {
        private final String key;
        private final byte[] content;
        private final Optional<String> tookOver;
        private final Heartbeat heartbeat;

        Held(String key, byte[] content, Optional<String> tookOver) {
            this.key = key;
            this.content = content;
            this.tookOver = tookOver;
            this.heartbeat = new Heartbeat("lifeboat-s3-lock-heartbeat", HEARTBEAT, this::beat);
        }

        private void beat() {
            try {
                objects.put(key, content);
            } catch (RuntimeException e) {
                // The next beat retries; a lock left unrefreshed becomes stale, which is safe.
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
                objects.delete(key);
            } catch (RuntimeException e) {
                // A leftover lock goes stale and is taken over by the next run.
            }
        }
    }
}
