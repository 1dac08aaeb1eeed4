package dev.lifeboat.source.sqlite;

import dev.lifeboat.manifest.Facts;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The journal mode a file keeps between connections: WAL is recorded in the database header,
 * every other mode is a connection's choice over a rollback-journal file. A restore gives the file
 * the mode its source had, so a WAL database comes back as a WAL database.
 */
public final class JournalModes {
    private JournalModes() {
    }

    /** Whether the source was in WAL mode when it was backed up; empty for backups that did not record it. */
    public static Optional<Boolean> sourceWasWal(Facts facts) {
        return Optional.ofNullable(facts.properties().get("source_journal_mode"))
                .map(mode -> mode.equalsIgnoreCase("wal"));
    }

    public static boolean isWal(Connection conn) throws SQLException {
        return "wal".equalsIgnoreCase(SqliteFacts.stringValue(conn, "PRAGMA journal_mode"));
    }

    /**
     * Switches the file behind {@code conn} into or out of WAL mode; false when other connections
     * hold it open, which SQLite requires there be none of to leave WAL mode.
     */
    public static boolean switchTo(Connection conn, boolean wal) {
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA journal_mode=" + (wal ? "WAL" : "DELETE"));
            return isWal(conn) == wal;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The note a restore prints when the target could not take the source's mode. */
    public static String notSwitched(java.nio.file.Path target, boolean wal) {
        return "note: " + target + " stays in " + (wal ? "rollback-journal" : "WAL") + " mode (the backup was"
                + " taken in " + (wal ? "WAL" : "rollback-journal") + " mode) because other connections hold it"
                + " open; run PRAGMA journal_mode=" + (wal ? "WAL" : "DELETE") + " when they are gone";
    }
}
