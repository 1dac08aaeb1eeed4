package dev.lifeboat.source.sqlite;

import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConnection;

/**
 * Replaces the content of a live database through SQLite itself, so connections that hold it
 * open see the new content and no stale -wal or -shm is left beside it.
 */
final class SqliteReplacer {
    private SqliteReplacer() {
    }

    static void replace(Path target, Path content, LockBudget budget) {
        try (SQLiteConnection conn = SqliteFiles.open(target, SqliteFiles.Access.READ_WRITE, budget)) {
            boolean wal = "wal".equalsIgnoreCase(SqliteFacts.stringValue(conn, "PRAGMA journal_mode"));
            if (wal) {
                matchPageSize(content, SqliteFacts.longValue(conn, "PRAGMA page_size"));
            }
            SqliteCopier.restore(conn, target, content, budget);
            if (wal) {
                try (Statement st = conn.createStatement()) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            }
        } catch (SQLException e) {
            throw SqliteFiles.failure("replace", target, e, budget);
        }
    }

    /** A WAL database cannot change its page size, so the incoming copy is rebuilt to match. */
    private static void matchPageSize(Path content, long pageSize) throws SQLException {
        try (SQLiteConnection conn = SqliteFiles.open(content, SqliteFiles.Access.READ_WRITE);
             Statement st = conn.createStatement()) {
            if (SqliteFacts.longValue(conn, "PRAGMA page_size") != pageSize) {
                st.execute("PRAGMA page_size=" + pageSize);
                st.execute("VACUUM");
            }
        }
    }
}
