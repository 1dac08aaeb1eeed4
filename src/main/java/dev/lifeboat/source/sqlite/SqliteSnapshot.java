package dev.lifeboat.source.sqlite;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.sqlite.SQLiteConnection;

/**
 * A consistent copy of an SQLite database in scratch space, in rollback-journal mode so it is
 * one self-contained file. Its facts are counted on a second thread while the copy streams.
 */
final class SqliteSnapshot implements Snapshot {
    private final Path file;
    private final CompletableFuture<Facts> facts;

    private SqliteSnapshot(Path file, Map<String, String> extra) {
        this.file = file;
        this.facts = CompletableFuture.supplyAsync(() -> count(file, extra), runnable -> {
            Thread thread = new Thread(runnable, "lifeboat-facts");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** Copies the live database at {@code source} into a new scratch file. */
    static SqliteSnapshot take(Path source, ScratchSpace scratch, LockBudget budget) {
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
            return new SqliteSnapshot(file, Map.of("source_journal_mode", journalMode, "snapshot_method", method));
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

    Path file() {
        return file;
    }

    @Override
    public String extension() {
        return ".sqlite";
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
        return Files.newInputStream(file);
    }

    @Override
    public Facts facts() {
        try {
            return facts.join();
        } catch (CompletionException e) {
            throw new LifeboatException(ExitCode.SOURCE, "cannot count the rows of the snapshot ("
                    + e.getCause().getMessage() + "); run PRAGMA integrity_check on the source", e.getCause());
        }
    }

    @Override
    public void close() {
        try {
            facts.join();
        } catch (RuntimeException e) {
            // Already reported through facts(), or irrelevant once the snapshot is discarded.
        }
        ScratchSpace.delete(file);
    }
}
