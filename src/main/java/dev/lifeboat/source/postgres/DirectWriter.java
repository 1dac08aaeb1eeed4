package dev.lifeboat.source.postgres;

import com.sun.nio.file.ExtendedOpenOption;
import dev.lifeboat.DaemonThreads;
import dev.lifeboat.repository.DurableFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Writes whole files one after the other through aligned buffers, past the page cache (O_DIRECT) where the
 * file system allows it; files smaller than a buffer go to {@link SmallFiles}, through the cache. A restored
 * data directory is a gigabyte or more that PostgreSQL mostly does not read back before it serves: written
 * through the cache, each page cost a copy into the cache and a later flush, which measured as twice the
 * time of writing the same bytes past it.
 * A file system that refuses O_DIRECT (tmpfs before Linux 6.6, some FUSE ones) gets plain writes. The
 * files are made private and new: an existing name is an error, never overwritten.
 */
final class DirectWriter implements Closeable {
    /**
     * Each write waits for the disk, so it is large (the kernel splits it into several requests in flight
     * at once) and two are on their way while the next buffer fills. Against a disk busy with other
     * writes, 8 MiB writes restored 1 GB in 3.1–4.5 s where 1 MiB writes took 4.2–7.7 s (and writes
     * through the cache 4.4 s).
     */
    private static final int CHUNK = 8 << 20;
    private static final int IN_FLIGHT = 2;
    private static final int MAX_ALIGNMENT = 64 << 10;
    /** A file made new: an existing name fails instead of being overwritten. */
    static final Set<OpenOption> NEW_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private static final Set<OpenOption> NEW_UNCACHED_FILE = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
    private final ExecutorService writers = Executors.newFixedThreadPool(IN_FLIGHT,
            DaemonThreads.named("lifeboat-extract"));
    private final SmallFiles smallFiles = new SmallFiles();
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
    /** The current file's writes on their way. */
    private final List<Future<?>> pending = new ArrayList<>();
    /** The file system's block size: O_DIRECT writes start and end on it; 0 where it takes no O_DIRECT. */
    private int alignment;
    private ByteBuffer buffer;
    /** The current file's content when it is small, and how much of it came. */
    private byte[] small;
    private int smallFill;
    private FileChannel channel;
    private boolean uncached;
    private Path path;
    private long size;
    private long modifiedSeconds;

    DirectWriter(Path dir, boolean pastCache) throws IOException {
        long block = Files.getFileStore(dir).getBlockSize();
        alignment = pastCache && block > 0 && block <= MAX_ALIGNMENT && Long.bitCount(block) == 1 ? (int) block : 0;
        for (int i = 0; i <= IN_FLIGHT; i++) {
            free.add(ByteBuffer.allocateDirect(CHUNK + MAX_ALIGNMENT).alignedSlice(MAX_ALIGNMENT).limit(CHUNK));
        }
        buffer = free.remove();
    }

    /**
     * Starts a new file of {@code expectedSize} bytes; the one before must have been finished. A file that
     * fits in one buffer goes through the cache, handed whole to {@link SmallFiles}: past the cache, each of
     * a thousand small files waited for the disk in turn (0.4 s a restore). The sync at the end writes them
     * all at once.
     */
    void open(Path file, long expectedSize, long modifiedSeconds) throws IOException {
        path = file;
        size = 0;
        this.modifiedSeconds = modifiedSeconds;
        buffer.clear().limit(CHUNK);
        uncached = false;
        channel = null;
        small = null;
        if (expectedSize < CHUNK) {
            small = smallFiles.content((int) expectedSize);
            smallFill = 0;
            return;
        }
        if (alignment > 0) {
            try {
                channel = FileChannel.open(file, NEW_UNCACHED_FILE, DurableFiles.privateFile());
                uncached = true;
                return;
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (IOException | UnsupportedOperationException e) {
                // EINVAL: this file system takes no O_DIRECT (Linux made the file before it said so).
                alignment = 0;
                Files.deleteIfExists(file);
            }
        }
        channel = FileChannel.open(file, NEW_FILE, DurableFiles.privateFile());
    }

    void write(byte[] bytes, int offset, int length) throws IOException {
        if (small != null) {
            if (length > small.length - smallFill) {
                throw new IllegalStateException(path + " was written past the size it was opened with");
            }
            System.arraycopy(bytes, offset, small, smallFill, length);
            smallFill += length;
            return;
        }
        int end = offset + length;
        while (offset < end) {
            int k = Math.min(buffer.remaining(), end - offset);
            buffer.put(bytes, offset, k);
            offset += k;
            size += k;
            if (!buffer.hasRemaining()) {
                send(size - CHUNK);
            }
        }
    }

    /**
     * Writes what is left, waits for the file's writes and closes it; a small file is handed over whole.
     * Past the cache a write ends on a block boundary, so the last block goes out padded with zeros and the
     * file is cut back to its size.
     */
    void finish() throws IOException {
        if (small != null) {
            smallFiles.make(path, small, modifiedSeconds);
            small = null;
            return;
        }
        int tail = buffer.position();
        boolean padded = uncached && tail % alignment != 0;
        if (padded) {
            int end = (tail / alignment + 1) * alignment;
            while (buffer.position() < end) {
                buffer.put((byte) 0);
            }
        }
        if (tail > 0) {
            send(size - tail);
        }
        awaitPending();
        if (padded) {
            channel.truncate(size);
        }
        channel.close();
        channel = null;
        Files.setLastModifiedTime(path, FileTime.from(modifiedSeconds, TimeUnit.SECONDS));
    }

    /** Waits for every file, the small ones handed over included; their failures come out here. */
    void end() throws IOException {
        awaitPending();
        smallFiles.end();
    }

    /** Hands the filled buffer to a writer, to land at {@code position}, and takes a free one to fill. */
    private void send(long position) throws IOException {
        ByteBuffer full = buffer.flip();
        FileChannel target = channel;
        pending.add(writers.submit(() -> {
            try {
                for (long at = position; full.hasRemaining(); ) {
                    at += target.write(full, at);
                }
                return null;
            } finally {
                free.add(full.clear().limit(CHUNK));
            }
        }));
        try {
            buffer = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while extracting");
        }
        rethrowDone();
    }

    private void rethrowDone() throws IOException {
        for (var i = pending.iterator(); i.hasNext(); ) {
            Future<?> write = i.next();
            if (write.isDone()) {
                i.remove();
                result(write);
            }
        }
    }

    private void awaitPending() throws IOException {
        try {
            for (Future<?> write : pending) {
                result(write);
            }
        } finally {
            pending.clear();
        }
    }

    private static void result(Future<?> write) throws IOException {
        try {
            write.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while extracting");
        }
    }

    /** Lets writes on their way end, and closes a file left unfinished by a failure. */
    @Override
    public void close() throws IOException {
        writers.shutdown();
        smallFiles.close();
        try {
            awaitPending();
        } catch (IOException e) {
            // the failure that brought us here is the one to report
        } finally {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }
    }
}
