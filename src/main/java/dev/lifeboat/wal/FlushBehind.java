package dev.lifeboat.wal;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.source.postgres.PostgresOsUser;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The stream into tar extracting a base backup: every {@code every} bytes it starts a {@code sync -f}
 * (syncfs) of the file system being written, in the background, so the disk writes the cluster
 * while the rest is still decrypted and decompressed. PostgreSQL syncs the whole data directory
 * when a restored cluster starts; without this the page cache would hold all of it until then
 * (about a second per GiB here), with this only the last part. A sync that fails or cannot start
 * changes nothing: PostgreSQL's own sync is the one that counts.
 */
final class FlushBehind extends FilterOutputStream {
    static final long EVERY = 64L << 20;
    private static final Executor BACKGROUND = DaemonThreads.eachOnItsOwn("lifeboat-flush-behind");
    private final Path dir;
    private long sinceLast;
    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    FlushBehind(OutputStream out, Path dir) {
        super(out);
        this.dir = dir;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sinceLast += len;
        if (sinceLast >= EVERY && inFlight.isDone()) {
            sinceLast = 0;
            inFlight = CompletableFuture.runAsync(this::syncQuietly, BACKGROUND);
        }
    }

    private void syncQuietly() {
        try {
            Process sync = PostgresOsUser.child(List.of("sync", "-f", dir.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            sync.waitFor();
        } catch (IOException e) {
            // no sync here: PostgreSQL syncs at start-up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
