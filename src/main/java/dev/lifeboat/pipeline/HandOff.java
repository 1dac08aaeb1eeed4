package dev.lifeboat.pipeline;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.WorkerFailure;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs the writing side of a restore on threads of its own, one a stage, while the calling thread
 * decodes: the plain digest and the target (a file, a base backup's extraction) then run at once
 * instead of in turns, which took half the time of a large restore. A buffer is filled once and
 * passes through every stage in order, never copied: each copy of a gigabyte cost 0.14 s of CPU. At
 * most {@link #DEPTH} buffers go round, so memory stays a few megabytes. A stage's failure comes out
 * of the next {@link #fill} or of {@link #finish}; the stages after it are not written again.
 */
final class HandOff implements Closeable {
    private static final int DEPTH = 6;
    private static final Chunk END = new Chunk(new byte[0], 0);
    /**
     * The buffers go round: a megabyte array a read would be a humongous allocation for G1. Each is made
     * when first taken, so a small file (a WAL history file) costs one, not {@link #DEPTH}.
     */
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH);
    private final int bufferSize;
    private final List<BlockingQueue<Chunk>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Exception failure;
    private boolean ended;

    private record Chunk(byte[] data, int length) {
    }

    /** Fills a buffer, as {@link java.io.InputStream#read(byte[])} does: the count, or -1 at the end. */
    @FunctionalInterface
    interface Filler {
        int fill(byte[] buffer) throws IOException;
    }

    HandOff(int bufferSize, OutputStream... stages) {
        this.bufferSize = bufferSize;
        for (int i = 0; i < DEPTH; i++) {
            free.add(new byte[0]);
        }
        for (int i = 0; i < stages.length; i++) {
            queues.add(new ArrayBlockingQueue<>(DEPTH + 1));
        }
        for (int i = 0; i < stages.length; i++) {
            OutputStream stage = stages[i];
            BlockingQueue<Chunk> in = queues.get(i);
            BlockingQueue<Chunk> next = i + 1 < stages.length ? queues.get(i + 1) : null;
            threads.add(DaemonThreads.start("lifeboat-hand-off", () -> drain(stage, in, next)));
        }
    }

    /**
     * Writes each chunk to its stage and passes it on, the last stage giving the buffer back; at the end
     * mark, flushes. After a failure anywhere it only passes chunks on, so no one waits for a buffer.
     */
    private void drain(OutputStream stage, BlockingQueue<Chunk> in, BlockingQueue<Chunk> next) {
        try {
            for (Chunk chunk = in.take(); ; chunk = in.take()) {
                if (chunk != END && failure == null) {
                    try {
                        stage.write(chunk.data(), 0, chunk.length());
                    } catch (IOException | RuntimeException e) {
                        failure = e;
                    }
                }
                if (chunk == END && failure == null) {
                    flush(stage);
                }
                if (next != null) {
                    next.put(chunk);
                } else if (chunk != END) {
                    free.add(chunk.data());
                }
                if (chunk == END) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("interrupted while writing");
        }
    }

    private void flush(OutputStream stage) {
        try {
            stage.flush();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    /** Fills the next free buffer with {@code filler} and hands it to the first stage; the count, -1 at the end. */
    int fill(Filler filler) throws IOException {
        rethrow();
        byte[] buffer = take();
        int n;
        try {
            n = filler.fill(buffer);
        } catch (IOException | RuntimeException e) {
            free.add(buffer);
            throw e;
        }
        if (n > 0) {
            put(new Chunk(buffer, n));
        } else {
            free.add(buffer);
        }
        return n;
    }

    /** Waits until every stage wrote and flushed everything, and reports the first failure. */
    void finish() throws IOException {
        end();
        rethrow();
    }

    /** Ends the stages without waiting for what is queued to matter (the caller failed). */
    @Override
    public void close() throws IOException {
        if (!ended) {
            queues.get(0).clear();
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
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private byte[] take() throws IOException {
        try {
            byte[] buffer = free.take();
            return buffer.length == bufferSize ? buffer : new byte[bufferSize];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private void put(Chunk chunk) throws IOException {
        try {
            queues.get(0).put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private void rethrow() throws IOException {
        WorkerFailure.rethrow(failure);
    }
}
