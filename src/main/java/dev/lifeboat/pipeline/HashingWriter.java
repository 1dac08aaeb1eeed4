package dev.lifeboat.pipeline;

import dev.lifeboat.DaemonThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hashes (SHA-256) and writes the plain side of an unseal on a thread of its own, so that one core
 * decompresses while the other hashes and writes: a restore is then bound by the slower half, not
 * by both in turn. The reader fills buffers it takes from {@link #buffer()} and hands them over
 * with {@link #write}; at most {@value #DEPTH} buffers exist, so memory stays bounded. A failure to
 * write is thrown to the reader at its next hand-over or at {@link #finish()}, as it was thrown.
 */
final class HashingWriter implements AutoCloseable {
    private static final int DEPTH = 3;
    private static final Chunk END = new Chunk(new byte[0], -1);
    private final OutputStream out;
    private final MessageDigest digest;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH);
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(DEPTH + 1);
    private final Thread thread;
    private volatile Throwable failure;
    private long count;
    private boolean ended;

    private record Chunk(byte[] bytes, int length) {
    }

    HashingWriter(OutputStream out, int bufferSize) {
        this.out = out;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < DEPTH; i++) {
            free.add(new byte[bufferSize]);
        }
        this.thread = DaemonThreads.start("lifeboat-plain-writer", this::drain);
    }

    /** An empty buffer to fill, waiting while all are in flight. */
    byte[] buffer() throws IOException {
        rethrow();
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the plain snapshot");
        }
    }

    /** Hands over the first {@code length} bytes of a buffer from {@link #buffer()}. */
    void write(byte[] buffer, int length) throws IOException {
        put(new Chunk(buffer, length));
        rethrow();
    }

    /** Waits until everything handed over is hashed and written; a write's failure is thrown here. */
    void finish() throws IOException {
        end();
        rethrow();
    }

    long count() {
        return count;
    }

    String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Stops the thread (what is still queued is dropped unwritten when a failure came first). */
    @Override
    public void close() {
        try {
            end();
        } catch (IOException e) {
            // only an interrupt, already flagged on this thread
        }
    }

    private void end() throws IOException {
        if (ended) {
            return;
        }
        ended = true;
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the plain snapshot");
        }
    }

    private void put(Chunk chunk) throws IOException {
        try {
            filled.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the plain snapshot");
        }
    }

    private void rethrow() throws IOException {
        Throwable failed = failure;
        if (failed instanceof IOException io) {
            throw io;
        }
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed instanceof Error error) {
            throw error;
        }
    }

    /** The thread: hash and write each chunk in order; after a failure, only give the buffers back. */
    private void drain() {
        try {
            for (Chunk chunk; (chunk = filled.take()) != END; ) {
                if (failure == null) {
                    try {
                        digest.update(chunk.bytes(), 0, chunk.length());
                        out.write(chunk.bytes(), 0, chunk.length());
                        count += chunk.length();
                    } catch (IOException | RuntimeException | Error e) {
                        failure = e;
                    }
                }
                free.add(chunk.bytes());
            }
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("interrupted while writing the plain snapshot");
        }
    }
}
