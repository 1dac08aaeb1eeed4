package dev.lifeboat.pipeline;

import dev.lifeboat.DaemonThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands what is written to a second thread, which writes it on: the reading side of a restore
 * (decryption, decompression) and its writing side (the plain digest, a file, a base backup's
 * extraction, which takes a hand-off of its own) then run at once instead of in turns, which took
 * half the time of a large restore. At most
 * {@link #DEPTH} writes wait, so memory stays a few buffers. A failure of the writing side comes
 * out of the next write or of {@link #finish}.
 */
public final class HandOff extends OutputStream {
    private static final int DEPTH = 4;
    private static final Chunk END = new Chunk(new byte[0], 0);
    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(DEPTH + 1);
    /** The buffers go round: a megabyte array a write would be a humongous allocation for G1. */
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH);
    private final OutputStream out;
    private final Thread writer;
    private volatile Exception failure;
    private boolean ended;

    private record Chunk(byte[] data, int length) {
    }

    public HandOff(OutputStream out) {
        this.out = out;
        for (int i = 0; i < DEPTH; i++) {
            free.add(new byte[0]);
        }
        this.writer = DaemonThreads.start("lifeboat-hand-off", this::drain);
    }

    /** Writes until the end mark, then flushes; after a failure it only empties the queue, so no writer waits. */
    private void drain() {
        try {
            for (Chunk chunk = queue.take(); chunk != END; chunk = queue.take()) {
                if (failure == null) {
                    try {
                        out.write(chunk.data(), 0, chunk.length());
                    } catch (IOException | RuntimeException e) {
                        failure = e;
                    }
                }
                free.add(chunk.data());
            }
            if (failure == null) {
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("interrupted while writing");
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        rethrow();
        if (len > 0) {
            byte[] buffer = take();
            if (buffer.length < len) {
                buffer = new byte[len];
            }
            System.arraycopy(b, off, buffer, 0, len);
            put(new Chunk(buffer, len));
        }
    }

    /** Waits until everything written was written on and flushed, and reports the writing side's failure. */
    public void finish() throws IOException {
        end();
        rethrow();
    }

    /** Ends the writing thread without waiting for what is queued to matter (the caller failed). */
    @Override
    public void close() throws IOException {
        if (!ended) {
            queue.clear();
            end();
        }
    }

    private void end() throws IOException {
        if (ended) {
            return;
        }
        ended = true;
        put(END);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private byte[] take() throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private void put(Chunk chunk) throws IOException {
        try {
            queue.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private void rethrow() throws IOException {
        Exception e = failure;
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
    }
}
