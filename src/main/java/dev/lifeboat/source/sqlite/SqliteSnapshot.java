package dev.lifeboat.source.sqlite;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.ScratchFileSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.sqlite.SQLiteConnection;

/**
 * Takes a consistent copy of an SQLite database in scratch space, in rollback-journal mode so it
 * is one self-contained file; its facts are counted on a second thread while the copy streams.
 */
final class SqliteSnapshot {
    private SqliteSnapshot() {
    }

    /** Copies the live database at {@code source} into a new scratch file. */
    static ScratchFileSnapshot take(Path source, ScratchSpace scratch, LockBudget budget,
                                    ScratchFileSnapshot.AfterReading afterReading) {
        SqliteFiles.requireSqliteFile(source, "database");
        scratch.requireSpace(2 * expectedSize(source), "a snapshot of " + source);
        Path file = scratch.newFile(source.getFileName() + ".sqlite");
        try {
            String journalMode = SqliteFiles.journalMode(source);
            String method;
            try (SQLiteConnection conn = SqliteFiles.open(source, Files.isWritable(source)
                    ? SqliteFiles.Access.READ_WRITE : SqliteFiles.Access.READ_ONLY, budget)) {
                method = SqliteCopier.copy(conn, source, file, budget);
            }
            try (SQLiteConnection copy = SqliteFiles.open(file, SqliteFiles.Access.READ_WRITE);
                 Statement st = copy.createStatement()) {
                st.execute("PRAGMA journal_mode=DELETE");
            }
            Map<String, String> extra = Map.of("source_journal_mode", journalMode, "snapshot_method", method);
            return new ScratchFileSnapshot(file, ".sqlite", true, CompletableFuture.supplyAsync(
                    () -> count(file, extra), ScratchFileSnapshot.COUNTING),
                    "run PRAGMA integrity_check on the source", afterReading, () -> { });
        } catch (SQLException e) {
            ScratchSpace.delete(file);
            throw SqliteFiles.failure("back up", source, e, budget);
        } catch (IOException e) {
            ScratchSpace.delete(file);
            throw new LifeboatException(ExitCode.SOURCE, "cannot read " + source + " (" + e.getMessage()
                    + "); check the file and the disk", e);
        } catch (RuntimeException e) {
            ScratchSpace.delete(file);
            throw e;
        }
    }

    /** The database plus its -wal: what the copy will be at most. */
    private static long expectedSize(Path source) {
        try {
            Path wal = source.resolveSibling(source.getFileName() + "-wal");
            return Files.size(source) + (Files.exists(wal) ? Files.size(wal) : 0);
        } catch (IOException e) {
            return 0;
        }
    }

    private static Facts count(Path file, Map<String, String> extra) {
        try (SQLiteConnection conn = SqliteFiles.open(file, SqliteFiles.Access.READ_ONLY)) {
            return SqliteFacts.read(conn, extra);
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }
}
