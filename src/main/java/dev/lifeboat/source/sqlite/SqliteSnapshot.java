package dev.lifeboat.source.sqlite;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.DaemonThreads;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.NoSpace;
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
import java.util.concurrent.Executor;
import org.sqlite.SQLiteConnection;

/**
 * Takes a consistent copy of an SQLite database in scratch space, in rollback-journal mode so it
 * is one self-contained file; its facts are counted on a second thread while it streams.
 *
 * <p>Lifeboat's connection to a WAL-mode source reads it before the copy, so that, as the last
 * connection, it checkpoints the -wal and removes it with the -shm when it closes: the source is
 * left as SQLite itself leaves it. For a backup that close runs in the background while the copy
 * streams (checkpointing a 100 MB -wal takes a third of a second); a restore's preserved copy
 * closes it at once, before the target is replaced.
 */
final class SqliteSnapshot {
    private static final Executor CLOSING = DaemonThreads.eachOnItsOwn("lifeboat-sqlite-close");

    private SqliteSnapshot() {
    }

    /** Copies the live database at {@code source} into a new scratch file. */
    static ScratchFileSnapshot take(Path source, ScratchSpace scratch, LockBudget budget,
                                    ScratchFileSnapshot.AfterReading afterReading) {
        SqliteFiles.requireSqliteFile(source, "database");
        long needed = 2 * ScratchSpace.databaseSize(source);
        scratch.requireSpace(needed, "a snapshot of " + source);
        Path file = scratch.newFile(source.getFileName() + ".sqlite");
        SQLiteConnection conn = null;
        try {
            String journalMode = SqliteFiles.journalMode(source);
            conn = SqliteFiles.open(source, Files.isWritable(source)
                    ? SqliteFiles.Access.READ_WRITE : SqliteFiles.Access.READ_ONLY, budget);
            if (journalMode.equals("wal")) {
                SqliteFacts.longValue(conn, "PRAGMA schema_version");
            }
            String method = SqliteCopier.copy(conn, source, file, budget);
            CompletableFuture<Void> closed = close(conn, afterReading);
            conn = null;
            try (SQLiteConnection copy = SqliteFiles.open(file, SqliteFiles.Access.READ_WRITE);
                 Statement st = copy.createStatement()) {
                st.execute("PRAGMA synchronous=OFF");
                st.execute("PRAGMA journal_mode=DELETE");
            }
            Map<String, String> extra = Map.of("source_journal_mode", journalMode, "snapshot_method", method);
            return new ScratchFileSnapshot(file, ".sqlite", true, CompletableFuture.supplyAsync(
                    () -> count(file, extra), ScratchFileSnapshot.COUNTING),
                    "run PRAGMA integrity_check on the source", afterReading, closed::join);
        } catch (SQLException e) {
            ScratchSpace.delete(file);
            throw NoSpace.isCause(e) ? scratch.full("a snapshot of " + source, needed, e)
                    : SqliteFiles.failure("back up", source, e, budget);
        } catch (IOException e) {
            ScratchSpace.delete(file);
            throw EngineFailure.source("cannot read " + source + " (" + e.getMessage()
                    + "); check the file and the disk", e);
        } catch (RuntimeException e) {
            ScratchSpace.delete(file);
            // the copy itself reports SQLITE_FULL without knowing which folder it filled
            throw NoSpace.isCause(e) ? scratch.full("a snapshot of " + source, needed, e) : e;
        } finally {
            closeQuietly(conn);
        }
    }

    private static CompletableFuture<Void> close(SQLiteConnection conn,
                                                 ScratchFileSnapshot.AfterReading afterReading) {
        if (afterReading == ScratchFileSnapshot.AfterReading.FREE) {
            return CompletableFuture.runAsync(() -> closeQuietly(conn), CLOSING);
        }
        closeQuietly(conn);
        return CompletableFuture.completedFuture(null);
    }

    /** The copy is already made: a failed checkpoint leaves the -wal for SQLite's next connection. */
    private static void closeQuietly(SQLiteConnection conn) {
        if (conn == null) {
            return;
        }
        try {
            conn.close();
        } catch (SQLException e) {
            // See above.
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
