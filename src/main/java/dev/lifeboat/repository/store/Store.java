package dev.lifeboat.repository.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * A place to put bytes: objects under slash-separated keys relative to the store's root. A store
 * knows nothing of backups, manifests or locks; the repository layout is built once on top of it.
 * Each implementation says in its Javadoc which guarantees it gives: whether a committed put
 * becomes visible atomically, whether {@link #putIfAbsent} is a true conditional create, and
 * whether a read sees a write that just finished.
 *
 * <p>Keys are made by the repository layer from validated names only; a store still refuses a key
 * that is empty, absolute, or has an empty, {@code .} or {@code ..} segment.
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

    /**
     * Creates {@code key} with {@code content} unless it exists; true when this call created it.
     * Two racing callers never both get true.
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

    /** One stored object. */
    record StoredObject(String key, long size, java.time.Instant modified) {
    }
}
