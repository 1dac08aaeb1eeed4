package dev.lifeboat.repository.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * A place to put bytes: objects under slash-separated keys relative to the store's root. A store
 * knows nothing of backups, manifests or locks; the repository layout is built once on top of it.
 * Each implementation says in its Javadoc which guarantees it gives: whether a committed put
 * becomes visible atomically, whether {@link #putIfAbsent} is a true conditional create, and
 * whether a read sees a write that just finished.
 *
 * <p>Keys are made by the repository layer from validated names only; a store still refuses a key
 * that is empty, absolute, or has an empty, {@code .} or {@code ..} segment (see {@link Keys}).
 *
 * <p>Something stored under a key that is not a plain object (a link, a folder where an object
 * belongs, a device, an object too large for {@link #readSmall}) is never read or followed:
 * {@link #list} shows it as {@link StoredObject#foreign foreign}, and reading it throws
 * {@link ForeignObject}, so the layout can report it instead of trusting it.
 */
public interface Store extends AutoCloseable {
    /** A printable location with no credentials in it, e.g. {@code s3://bucket/prefix}. */
    String location();

    /**
     * Starts writing {@code key}. Nothing is visible under the key until {@link Pending#commit};
     * closing without commit removes what was written. An existing object is replaced on commit.
     *
     * @param length the exact length if known, or -1
     */
    Pending put(String key, long length) throws IOException;

    /** {@link #put(String, long)} of a small object held in memory: written, committed, or not there at all. */
    default void put(String key, byte[] content) throws IOException {
        try (Pending pending = put(key, content.length)) {
            pending.stream().write(content);
            pending.commit();
        }
    }

    /**
     * Creates {@code key} with {@code content} unless it exists; true when this call created it.
     * Two racing callers never both get true, where {@link #createsAtomically} holds.
     */
    boolean putIfAbsent(String key, byte[] content) throws IOException;

    /**
     * Opens {@code key} for reading from {@code offset}. A missing key is a
     * {@link java.nio.file.NoSuchFileException}.
     */
    InputStream open(String key, long offset) throws IOException;

    /**
     * The whole content of a small object, or empty when it does not exist. An object longer than
     * {@code limit} bytes is refused without reading it into memory.
     */
    Optional<byte[]> readSmall(String key, int limit) throws IOException;

    /** Size and modification time of {@code key}, or empty when it does not exist. */
    Optional<StoredObject> stat(String key) throws IOException;

    /**
     * Every object whose key starts with {@code prefix}, in key order, fetched page by page so
     * that any number of objects can be listed.
     */
    List<StoredObject> list(String prefix) throws IOException;

    /** Removes {@code key}; removing a missing key is not an error. */
    void delete(String key) throws IOException;

    /**
     * The first segments of every key (top-level objects and folders), for telling an empty or
     * foreign root from a repository without listing everything under it.
     */
    default List<String> topLevel() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        list("").forEach(o -> names.add(o.key().split("/", 2)[0]));
        return List.copyOf(names);
    }

    /**
     * Puts that were started and neither committed nor cleaned up under {@code prefix} (temp files,
     * multipart uploads), for the layout to remove once their writer is gone. A store whose puts
     * leave nothing behind when a process dies has none.
     */
    default List<Unfinished> unfinished(String prefix) throws IOException {
        return List.of();
    }

    /** Removes what an unfinished put left; one that is already gone is not an error. */
    default void abort(Unfinished put) throws IOException {
    }

    /**
     * Removes the store's root when it holds nothing and this store made it (a folder the first
     * write created), so that a failed first backup leaves the place as it was.
     */
    default void removeIfEmpty() throws IOException {
    }

    /**
     * True when {@link #putIfAbsent} is a true conditional create. A store that cannot promise it
     * (an S3-compatible server may silently ignore {@code If-None-Match}) says false, and the lock
     * protocol then looks before it writes and reads its lock back after a pause.
     */
    default boolean createsAtomically() {
        return true;
    }

    /** How many reads the store serves well at once; listings of many backups read this many manifests together. */
    default int readers() {
        return 1;
    }

    /** Frees connections and threads. */
    @Override
    default void close() {
    }

    /** An object being written. */
    interface Pending extends AutoCloseable {
        OutputStream stream() throws IOException;

        /** Makes the object durable and visible under its key. */
        void commit() throws IOException;

        /** Without a commit: removes everything written. */
        @Override
        void close();
    }

    /** One stored object; {@link #isForeign} when it is something else under an object's key. */
    record StoredObject(String key, long size, Instant modified) {
        /** An entry that is not a plain object (a link, a device): listed so it can be reported, never read. */
        public static StoredObject foreign(String key, Instant modified) {
            return new StoredObject(key, -1, modified);
        }

        public boolean isForeign() {
            return size < 0;
        }
    }

    /**
     * A put that was neither committed nor aborted: it would have become {@code key}; {@code id}
     * tells the store which one it is; {@code pid} is the writing process on this host when the
     * store knows it (a temp file's name carries it), and {@code lastWritten} when it last grew.
     */
    record Unfinished(String key, String id, Instant lastWritten, OptionalLong pid) {
    }
}
