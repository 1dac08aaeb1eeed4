package dev.lifeboat.repository;

import dev.lifeboat.DaemonThreads;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Writes a large file (an upload, a restore's staged copy) and, every {@code every} bytes, starts an
 * fsync of what is there on a background thread. The disk then works while the pipeline compresses
 * or decompresses, and the final fsync waits only for the last few megabytes instead of the whole
 * file (0.25 s for 230 MB here). Writing never waits for the disk; a background fsync that fails is
 * left for the final one to report.
 */
public final class EarlyWriteback extends FilterOutputStream {
    public static final long EVERY = 32L << 20;
    private static final Executor BACKGROUND = DaemonThreads.eachOnItsOwn("lifeboat-writeback");

    private final FileChannel channel;
    private final long every;
    private long sinceLast;
    private int started;
    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    public EarlyWriteback(FileChannel channel, long every) {
        super(Channels.newOutputStream(channel));
        this.channel = channel;
        this.every = every;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sinceLast += len;
        if (sinceLast >= every && inFlight.isDone()) {
            sinceLast = 0;
            started++;
            inFlight = CompletableFuture.runAsync(this::forceQuietly, BACKGROUND);
        }
    }

    /** Waits for a background fsync still running, before the caller's own fsync or close. */
    public void settle() {
        inFlight.handle((done, failed) -> null).join();
    }

    /** How many background fsyncs were started. */
    public int started() {
        return started;
    }

    private void forceQuietly() {
        try {
            channel.force(false);
        } catch (IOException e) {
            // The commit's fsync runs anyway and reports the disk's failure.
        }
    }
}
