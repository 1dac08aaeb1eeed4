package dev.lifeboat.source;

import dev.lifeboat.manifest.Facts;
import java.io.IOException;
import java.io.InputStream;

/**
 * One consistent copy of a database, readable once as a stream. Closing it removes every
 * scratch file it made, whatever happened.
 */
public interface Snapshot extends AutoCloseable {
    /** The file name suffix of the plain snapshot, e.g. {@code .sqlite} or {@code .pgdump}. */
    String extension();

    /** Size in bytes if known in advance, else -1. */
    long size();

    InputStream open() throws IOException;

    /** What the snapshot contains, taken from the snapshot itself; may wait for the count to end. */
    Facts facts() throws IOException;

    /**
     * False when the content is already encrypted (SQLCipher pages) and so cannot shrink: the
     * backup then stores it uncompressed, whatever compression was asked for.
     */
    default boolean compressible() {
        return true;
    }

    @Override
    void close();
}
