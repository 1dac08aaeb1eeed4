package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.repository.store.ForeignObject;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one lock protocol, on any store: a lock is an object under {@code locks/} created with
 * {@link Store#putIfAbsent} and read back (a store whose conditional create is emulated cannot
 * hand it to two), rewritten by its holder every heartbeat, and taken over once its holder is gone
 * by the {@link Liveness} rule. {@code locks/SCOPE.lock} is a scope's lock;
 * {@code locks/in-use-ID-NONCE-PID.lock} marks a backup some process is reading.
 */
final class StoreLocks {
    static final String IN_USE = "in-use-";
    private static final int LIMIT = 64 << 10;
    /** Longer than a racing writer takes from looking to writing. */
    static final Duration SETTLE = Duration.ofMillis(300);
    private final Store store;
    private final Liveness liveness;
    private final SecureRandom random = new SecureRandom();

    StoreLocks(Store store, Liveness liveness) {
        this.store = store;
        this.liveness = liveness;
    }

    RepositoryLock lock(String scope, String purpose) throws IOException {
        return acquire(Layout.LOCKS + scope.replaceAll("[^A-Za-z0-9._-]", "_") + ".lock", scope, purpose, true);
    }

    /** Two readers of one backup, even in one process, each have their own mark. */
    RepositoryLock markInUse(String backupId, String purpose) throws IOException {
        byte[] nonce = new byte[4];
        random.nextBytes(nonce);
        return acquire(Layout.LOCKS + IN_USE + backupId + "-" + HexFormat.of().formatHex(nonce) + "-"
                + ProcessHandle.current().pid() + ".lock", backupId, purpose, false);
    }

    Set<String> inUse() throws IOException {
        Set<String> ids = new HashSet<>();
        for (Store.StoredObject mark : store.list(Layout.LOCKS + IN_USE)) {
            holder(mark).filter(h -> !h.stale()).flatMap(Holder::info).ifPresent(info -> ids.add(info.scope()));
        }
        return ids;
    }

    /** Removes the in-use marks of readers that are gone. */
    int removeStaleInUse() throws IOException {
        int removed = 0;
        for (Store.StoredObject mark : store.list(Layout.LOCKS + IN_USE)) {
            Optional<Holder> holder = holder(mark);
            if (holder.isPresent() && holder.get().stale() && deleteIfStill(mark.key(), holder.get().bytes())) {
                removed++;
            }
        }
        return removed;
    }

    List<String> unlock(Optional<String> scope) throws IOException {
        List<String> removed = new ArrayList<>();
        for (Store.StoredObject lock : store.list(Layout.LOCKS)) {
            Optional<LockInfo> info = holder(lock).flatMap(Holder::info);
            if (scope.isEmpty() || info.map(i -> i.scope().equals(scope.get())).orElse(false)) {
                store.delete(lock.key());
                removed.add(info.map(LockInfo::describe).orElse(lock.key()));
            }
        }
        return removed;
    }

    /**
     * @param contended whether others may race for the same key (a scope's lock); an in-use mark's
     *                  key is this reader's alone
     */
    private RepositoryLock acquire(String key, String scope, String purpose, boolean contended) throws IOException {
        boolean lookFirst = contended && !store.createsAtomically();
        Optional<String> tookOver = Optional.empty();
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Holder> holder = lookFirst ? holder(key) : Optional.empty();
            if (holder.isEmpty()) {
                byte[] mine = Json.write(new LockInfo(scope, purpose, ProcessOwner.current().token(),
                        liveness.clock().instant()));
                if (store.putIfAbsent(key, mine)) {
                    confirm(key, scope, mine, lookFirst);
                    return new HeldLock(store, key, mine, tookOver, liveness);
                }
                holder = holder(key);
            }
            if (holder.isEmpty()) {
                continue;   // released meanwhile
            }
            if (!holder.get().stale()) {
                throw locked(scope, holder);
            }
            tookOver = Optional.of(holder.get().describe());
            deleteIfStill(key, holder.get().bytes());
        }
        throw new LifeboatException(ExitCode.LOCKED, "'" + scope + "' in " + store.location()
                + " was locked again while a stale lock was taken over; retry");
    }

    /**
     * Reads a new lock back; on a store whose create may not be atomic, again after a pause, so
     * that of two racing writers the one that was overwritten sees it and yields.
     */
    private void confirm(String key, String scope, byte[] mine, boolean settle) throws IOException {
        for (int read = 0; read < (settle ? 2 : 1); read++) {
            if (read > 0) {
                pause();
            }
            Optional<byte[]> readBack = read(key);
            if (readBack.isEmpty() || !Arrays.equals(readBack.get(), mine)) {
                throw locked(scope, readBack.map(b -> new Holder(b, liveness.clock().instant(), liveness)));
            }
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(SETTLE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while taking a lock");
        }
    }

    /** Deletes {@code key} if it still holds what was judged; false when someone rewrote or removed it. */
    private boolean deleteIfStill(String key, byte[] judged) throws IOException {
        if (!read(key).map(b -> Arrays.equals(b, judged)).orElse(false)) {
            return false;
        }
        store.delete(key);
        return true;
    }

    private LifeboatException locked(String scope, Optional<Holder> holder) {
        String by = holder.map(Holder::describe).orElse("another run");
        return new LifeboatException(ExitCode.LOCKED, "'" + scope + "' in " + store.location() + " is locked by "
                + by + "; wait for it to finish, or run 'lifeboat unlock --repo " + store.location()
                + "' if that process is gone");
    }

    private Optional<Holder> holder(Store.StoredObject lock) throws IOException {
        return read(lock.key()).map(b -> new Holder(b, lock.modified(), liveness));
    }

    /** The lock at {@code key} as listed (so a link there is seen, not followed), or empty. */
    private Optional<Holder> holder(String key) throws IOException {
        for (Store.StoredObject lock : store.list(key)) {
            if (lock.key().equals(key)) {
                return holder(lock);
            }
        }
        return Optional.empty();
    }

    /** A lock's bytes; a link or oversized object there reads as an unreadable lock. */
    private Optional<byte[]> read(String key) throws IOException {
        try {
            return store.readSmall(key, LIMIT);
        } catch (ForeignObject e) {
            return Optional.of(new byte[0]);
        }
    }

    /** What a lock object says (if it can be read) and when it was last refreshed. */
    private record Holder(byte[] bytes, Instant refreshed, Liveness liveness) {
        Optional<LockInfo> info() {
            try {
                return Optional.ofNullable(Json.read(bytes, LockInfo.class)).filter(i -> i.scope() != null
                        && i.owner() != null);
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        boolean stale() {
            return liveness.isGone(info().flatMap(i -> ProcessOwner.parse(i.owner())), refreshed);
        }

        String describe() {
            return info().map(LockInfo::describe).orElse("an unreadable lock (last written " + refreshed + ")");
        }
    }
}
