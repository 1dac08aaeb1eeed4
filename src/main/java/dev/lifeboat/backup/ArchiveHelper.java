package dev.lifeboat.backup;

/**
 * What this process does for the server's WAL archiving while a snapshot that waits for it runs
 * ({@link dev.lifeboat.source.Source#waitsForWalArchiving}): Lifeboat's front ends serve the
 * {@code wal-push} runs of PostgreSQL's archive_command, so the backup's last segment is archived
 * without a JVM start. The same for every path a backup takes: the command line, {@code run}, jobs
 * and the daemon.
 */
public interface ArchiveHelper {
    /** Helps with nothing. */
    ArchiveHelper NONE = () -> () -> { };

    /** Starts helping until the returned value is closed. */
    Helping start();

    /** Help under way. */
    interface Helping extends AutoCloseable {
        @Override
        void close();
    }
}
