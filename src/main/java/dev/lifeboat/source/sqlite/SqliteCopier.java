package dev.lifeboat.source.sqlite;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * Copies a live database page by page with SQLite's online backup API, never with a file copy,
 * so committed data still in the -wal file is included.
 *
 * <p>The copy runs as one step (-1 pages): a single read transaction that can never restart.
 * In WAL mode writers carry on meanwhile; in rollback-journal mode they wait for the copy,
 * which reads at disk speed. sqlite-jdbc's step loop cannot be aborted from Java, so small
 * restartable steps could spin forever under constant writes. The copy is pulled by a
 * connection on the scratch file, without a journal or fsync: a scratch copy needs neither,
 * and fsyncing 600 MB takes a quarter of a second even on a fast disk. The source is then
 * opened by sqlite-jdbc without a busy handler, so a BUSY source is retried every
 * {@value #SLEEP_MILLIS} ms for the lock budget. If the copy still cannot start,
 * {@code VACUUM INTO} gets its own attempt with the same budget.
 */
final class SqliteCopier {
    private static final int SLEEP_MILLIS = 100;
    /** The connection's busy handler already waits out the whole budget inside each step. */
    private static final int NO_EXTRA_RETRIES = 0;
    private static final int WHOLE_DATABASE = -1;

    private SqliteCopier() {
    }

    /** The method that made the copy: {@code online-backup} or {@code vacuum-into}. */
    static String copy(SQLiteConnection from, Path fromFile, Path to, LockBudget budget) {
        try {
            if (pull(fromFile, to, budget)) {
                return "online-backup";
            }
            ScratchSpace.recreate(to);
            try (Statement st = from.createStatement()) {
                st.execute("VACUUM INTO " + SqliteFiles.literal(to.toString()));
            }
            return "vacuum-into";
        } catch (SQLException e) {
            ScratchSpace.delete(to);
            throw SqliteFiles.failure("copy", fromFile, e, budget);
        }
    }

    private static boolean pull(Path fromFile, Path to, LockBudget budget) throws SQLException {
        try (SQLiteConnection scratch = SqliteFiles.open(to, SqliteFiles.Access.CREATE)) {
            try (Statement st = scratch.createStatement()) {
                st.execute("PRAGMA journal_mode=OFF");
                st.execute("PRAGMA synchronous=OFF");
            }
            CompletionObserver observer = new CompletionObserver();
            scratch.getDatabase().restore("main", fromFile.toString(), observer, SLEEP_MILLIS,
                    budget.millis() / SLEEP_MILLIS, WHOLE_DATABASE);
            return observer.completed;
        }
    }

    /** Copies {@code from} into the live database behind {@code into}, as one write transaction. */
    static void restore(SQLiteConnection into, Path intoFile, Path from, LockBudget budget) {
        try {
            CompletionObserver observer = new CompletionObserver();
            into.getDatabase().restore("main", from.toString(), observer, SLEEP_MILLIS, NO_EXTRA_RETRIES,
                    WHOLE_DATABASE);
            if (!observer.completed) {
                throw dev.lifeboat.source.TargetUnchanged.notReplaced(intoFile, from, budget.describe());
            }
        } catch (SQLException e) {
            throw SqliteFiles.failure("replace", intoFile, e, budget);
        }
    }

    /**
     * sqlite3_backup_finish reports success even when every step was BUSY, so completion is
     * taken from the progress callback: it is called with 0 pages remaining only when done.
     */
    private static final class CompletionObserver implements DB.ProgressObserver {
        private boolean completed;

        @Override
        public void progress(int remaining, int pageCount) {
            completed = remaining == 0;
        }
    }
}
