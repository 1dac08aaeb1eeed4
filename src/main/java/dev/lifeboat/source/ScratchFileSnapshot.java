package dev.lifeboat.source;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * A snapshot copied into a scratch file, whose facts are counted on a second thread while it
 * streams. Closing it waits for the count, deletes the file with its -wal/-shm companions, and
 * then releases {@code hold} (such as a per-database lock).
 */
public final class ScratchFileSnapshot implements Snapshot {
    /** Runs a count on its own daemon thread, so it overlaps the streaming of the copy. */
    public static final Executor COUNTING = DaemonThreads.eachOnItsOwn("lifeboat-facts");

    /** What happens to the scratch copy once a reader of {@link #open} has reached its end. */
    public enum AfterReading {
        /** Kept until {@link #close}: a restore may still have to put it back. */
        KEEP,
        /**
         * Deleted on a background thread at once. Freeing a large file takes a noticeable time
         * (0.3 s for 600 MB on ext4), which then overlaps the repository's commit.
         */
        FREE
    }

    private final Path file;
    private final String extension;
    private final boolean compressible;
    private final CompletableFuture<Facts> facts;
    private final String ifCountFails;
    private final AutoCloseable hold;
    private final AfterReading afterReading;
    private CompletableFuture<Void> freeing;

    /** @param ifCountFails what to do when counting fails, e.g. "run PRAGMA integrity_check on the source" */
    public ScratchFileSnapshot(Path file, String extension, boolean compressible, CompletableFuture<Facts> facts,
                               String ifCountFails, AfterReading afterReading, AutoCloseable hold) {
        this.file = file;
        this.extension = extension;
        this.compressible = compressible;
        this.facts = facts;
        this.ifCountFails = ifCountFails;
        this.hold = hold;
        this.afterReading = afterReading;
    }

    public Path file() {
        return file;
    }

    @Override
    public String extension() {
        return extension;
    }

    @Override
    public boolean compressible() {
        return compressible;
    }

    @Override
    public long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public InputStream open() throws IOException {
        InputStream in = Files.newInputStream(file);
        return afterReading == AfterReading.KEEP ? in : new FreedAtEnd(in);
    }

    /** Closes the copy at its end (cheap while it is still linked) and deletes it in the background. */
    private final class FreedAtEnd extends FilterInputStream {
        private boolean ended;

        FreedAtEnd(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            return ended ? -1 : atEnd(super.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return ended ? -1 : atEnd(super.read(b, off, len));
        }

        private int atEnd(int result) throws IOException {
            if (result < 0) {
                ended = true;
                in.close();
                startFreeing();
            }
            return result;
        }
    }

    private synchronized void startFreeing() {
        if (freeing == null) {
            // After the count, whose connection still has the file open.
            freeing = facts.handleAsync((counted, failed) -> {
                ScratchSpace.delete(file);
                return null;
            }, COUNTING);
        }
    }

    @Override
    public Facts facts() {
        try {
            return facts.join();
        } catch (CompletionException e) {
            throw EngineFailure.source("cannot count the rows of the snapshot ("
                    + e.getCause().getMessage() + "); " + ifCountFails, e.getCause());
        }
    }

    @Override
    public void close() {
        try {
            facts.join();
        } catch (RuntimeException e) {
            // Already reported through facts(), or irrelevant once the snapshot is discarded.
        }
        CompletableFuture<Void> started;
        synchronized (this) {
            started = freeing;
        }
        if (started != null) {
            started.join();
        }
        ScratchSpace.delete(file);
        try {
            hold.close();
        } catch (Exception e) {
            // A lock that cannot be released is taken over once this process is gone.
        }
    }
}
