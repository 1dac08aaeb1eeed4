package dev.lifeboat.repository;

import dev.lifeboat.DaemonThreads;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Writes a large file (an upload, a restore's staged copy) and, every {@code every} bytes, starts an
 * fsync of what is there on a background thread (or another {@link Sync}, such as a sync of the file
 * system a tar process extracts into). The disk then works while the pipeline compresses
 * or decompresses, and the final fsync waits only for the last few megabytes instead of the whole
 * file (0.25 s for 230 MB here). Writing never waits for the disk; a background fsync that fails is
 * left for the final one to report.
 */
public final class EarlyWriteback extends FilterOutputStream {
    public static final long EVERY = 32L << 20;
    private static final Executor BACKGROUND = DaemonThreads.eachOnItsOwn("lifeboat-writeback");

    /** What a background writeback does; a failure is left for the caller's own final sync to report. */
    public interface Sync {
        void run() throws IOException;
    }

    private final Sync sync;
    private final long every;
    private long sinceLast;
    private int started;
    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    public EarlyWriteback(FileChannel channel, long every) {
        this(Channels.newOutputStream(channel), every, () -> channel.force(false));
    }

    public EarlyWriteback(OutputStream out, long every, Sync sync) {
        super(out);
        this.sync = sync;
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
            inFlight = CompletableFuture.runAsync(this::syncQuietly, BACKGROUND);
        }
    }

    /** Waits for a background sync still running, before the caller's own fsync or close. */
    public void settle() {
        inFlight.handle((done, failed) -> null).join();
    }

    /** How many background fsyncs were started. */
    public int started() {
        return started;
    }

    private void syncQuietly() {
        try {
            sync.run();
        } catch (IOException e) {
            // The commit's fsync runs anyway and reports the disk's failure.
        }
    }
}
