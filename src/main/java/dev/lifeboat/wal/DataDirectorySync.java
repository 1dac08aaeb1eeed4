package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.PostgresOsUser;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code sync -f} (syncfs) of a restored data directory, started and awaited later: one call makes every
 * file of the restore durable (the extraction, the recovery settings, their owner), where a file's own
 * fsync would commit the file system's journal once a file. It is the restore's only sync, so its failure
 * (a disk's write error) fails the restore.
 */
final class DataDirectorySync {
    private final Path dir;
    private final Optional<Process> process;
    private final Optional<IOException> notStarted;

    private DataDirectorySync(Path dir, Optional<Process> process, Optional<IOException> notStarted) {
        this.dir = dir;
        this.process = process;
        this.notStarted = notStarted;
    }

    /** Starts the sync; a sync that cannot even start is reported by {@link #await}. */
    static DataDirectorySync start(Path dir) {
        try {
            return new DataDirectorySync(dir, Optional.of(PostgresOsUser.child(List.of("sync", "-f", dir.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()),
                    Optional.empty());
        } catch (IOException e) {
            return new DataDirectorySync(dir, Optional.empty(), Optional.of(e));
        }
    }

    /** Waits for the sync: empty once the files are on the disk, else why they may not be. */
    Optional<IOException> await() throws InterruptedIOException {
        if (process.isEmpty()) {
            return notStarted;
        }
        try {
            int exit = process.get().waitFor();
            return exit == 0 ? Optional.empty() : Optional.of(new IOException("sync -f " + dir + " failed with exit "
                    + exit + ": the restored files may not be on the disk"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while syncing " + dir);
        }
    }
}
