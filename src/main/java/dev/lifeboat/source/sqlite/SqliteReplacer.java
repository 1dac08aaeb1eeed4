package dev.lifeboat.source.sqlite;

import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConnection;

/**
 * Replaces the content of a live database through SQLite itself, so connections that hold it
 * open see the new content and no stale -wal or -shm is left beside it. The file takes the
 * journal mode and page size of the content where SQLite allows it: a WAL file can change
 * neither while other connections hold it open, and then keeps its own (and says so).
 */
final class SqliteReplacer {
    private SqliteReplacer() {
    }

    /**
     * @param wal the journal mode the file should end in (true: WAL), or empty to keep the target's
     * @return notes for the user about settings the target kept
     */
    static List<String> replace(Path target, Path content, LockBudget budget, Optional<Boolean> wal) {
        List<String> notes = new ArrayList<>();
        try (SQLiteConnection conn = SqliteFiles.open(target, SqliteFiles.Access.READ_WRITE, budget)) {
            boolean inWal = JournalModes.isWal(conn);
            if (inWal) {
                long pageSize = SqliteFacts.longValue(conn, "PRAGMA page_size");
                long wanted = pageSize(content);
                if (wanted != pageSize && JournalModes.switchTo(conn, false)) {
                    inWal = false;
                } else if (wanted != pageSize) {
                    matchPageSize(content, pageSize);
                    notes.add("note: " + target + " keeps its page size of " + pageSize + " bytes (the backup has "
                            + wanted + ") because other connections hold it open in WAL mode; run VACUUM with"
                            + " PRAGMA journal_mode=DELETE when they are gone to change it");
                }
            }
            SqliteCopier.restore(conn, target, content, budget);
            if (inWal) {
                try (Statement st = conn.createStatement()) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            }
            if (wal.isPresent() && wal.get() != inWal && !JournalModes.switchTo(conn, wal.get())) {
                notes.add(JournalModes.notSwitched(target, wal.get()));
            }
        } catch (SQLException e) {
            throw SqliteFiles.failure("replace", target, e, budget);
        }
        return notes;
    }

    private static long pageSize(Path content) throws SQLException {
        try (SQLiteConnection conn = SqliteFiles.open(content, SqliteFiles.Access.READ_ONLY)) {
            return SqliteFacts.longValue(conn, "PRAGMA page_size");
        }
    }

    /** A WAL database cannot change its page size, so the incoming copy is rebuilt to match. */
    private static void matchPageSize(Path content, long pageSize) throws SQLException {
        try (SQLiteConnection conn = SqliteFiles.open(content, SqliteFiles.Access.READ_WRITE);
             Statement st = conn.createStatement()) {
            st.execute("PRAGMA page_size=" + pageSize);
            st.execute("VACUUM");
        }
    }
}
