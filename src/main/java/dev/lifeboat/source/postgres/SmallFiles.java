package dev.lifeboat.source.postgres;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.WorkerFailure;
import dev.lifeboat.repository.DurableFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Makes the small files of an extraction whole (made, written through the page cache, closed, their time
 * set) on threads of their own while the stream goes on: made one after the other by the extracting
 * thread, their creation held up the stream, most of all where the file system had just freed many
 * inodes (the template databases' 600 files at the end of a base backup then took 0.3–0.4 s). Linux
 * makes the files of one folder one at a time, under the folder's lock, where a second thread only spun
 * (0.15 s of CPU a restore), so each folder's files go to one thread and the folders take turns between
 * two, which took 40–100 ms off a 1 GB restore against one thread. At most {@link #WAITING} bytes of
 * files wait, so memory stays bounded whatever their number. A failure comes out of the next
 * {@link #content} or of {@link #end}; a name that exists already is never overwritten.
 */
final class SmallFiles implements Closeable {
    private static final int MAKERS = 2;
    private static final int WAITING = 16 << 20;
    private final List<ExecutorService> makers = new ArrayList<>();
    /** Which maker makes each folder's files (one entry a folder the extraction made files in). */
    private final Map<Path, Integer> folders = new HashMap<>();
    private final Semaphore room = new Semaphore(WAITING);
    private volatile Exception failure;

    SmallFiles() {
        for (int i = 0; i < MAKERS; i++) {
            makers.add(Executors.newSingleThreadExecutor(DaemonThreads.named("lifeboat-extract-small")));
        }
    }

    /** Room for a file of {@code size} bytes (less than {@link #WAITING}), once earlier ones were made. */
    byte[] content(int size) throws IOException {
        rethrow();
        try {
            room.acquire(size);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while extracting");
        }
        return new byte[size];
    }

    /** Hands {@code content}, from {@link #content}, to its folder's maker. */
    void make(Path file, byte[] content, long modifiedSeconds) {
        int maker = folders.computeIfAbsent(file.getParent(), folder -> folders.size() % MAKERS);
        makers.get(maker).execute(() -> {
            try {
                if (failure == null) {
                    write(file, content, FileTime.from(modifiedSeconds, TimeUnit.SECONDS));
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            } finally {
                room.release(content.length);
            }
        });
    }

    private static void write(Path file, byte[] content, FileTime modified) throws IOException {
        try (FileChannel made = FileChannel.open(file, DirectWriter.NEW_FILE, DurableFiles.privateFile())) {
            for (ByteBuffer bytes = ByteBuffer.wrap(content); bytes.hasRemaining(); ) {
                made.write(bytes);
            }
        }
        Files.setLastModifiedTime(file, modified);
    }

    /** Waits until every file handed over was made, and reports the first failure. */
    void end() throws IOException {
        if (!awaitMade()) {
            throw new InterruptedIOException("interrupted while extracting");
        }
        rethrow();
    }

    private void rethrow() throws IOException {
        WorkerFailure.rethrow(failure);
    }

    /**
     * Lets the files handed over be made (after a failure the rest are skipped) and ends the threads; a
     * failure is left for {@link #end} to report, as an extraction that failed already reports its own.
     */
    @Override
    public void close() {
        awaitMade();
    }

    /** False when interrupted while waiting (the interrupt is kept). */
    private boolean awaitMade() {
        for (ExecutorService maker : makers) {
            maker.shutdown();
        }
        try {
            for (ExecutorService maker : makers) {
                while (!maker.awaitTermination(1, TimeUnit.MINUTES)) {
                    // a slow disk: the files are still being written
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
