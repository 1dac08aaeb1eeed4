package dev.lifeboat.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of a purge that differs between engines: how "older than the cutoff" is written and
 * bound, whether a column's values can be compared that way at all, and what makes deleted rows
 * unrecoverable from the database's own files. Everything else in a purge is the same code for
 * every engine.
 */
public interface PurgeDialect {
    /** How a timestamp column stores time. */
    enum TimeFormat {
        /** The engine's own timestamp type, or ISO-8601 text in SQLite (read as UTC when it has no offset). */
        NATIVE("timestamp"),
        /** Seconds since 1970-01-01 UTC. */
        UNIX_SECONDS("unix-seconds"),
        /** Milliseconds since 1970-01-01 UTC. */
        UNIX_MILLIS("unix-millis");

        private final String key;

        TimeFormat(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** A condition on {@code quotedColumn} with exactly one {@code ?} for the cutoff. */
    String olderThan(String quotedColumn, TimeFormat format);

    void bindCutoff(PreparedStatement statement, int index, Instant cutoff, TimeFormat format) throws SQLException;

    /**
     * Why the column's values cannot be compared in this format (so the rule would delete nothing
     * or the wrong rows), or empty when they can.
     */
    Optional<String> formatProblem(Connection conn, String quotedTable, String quotedColumn, int sqlType,
                                   TimeFormat format) throws SQLException;

    /** Readies a connection for deletes whose rows must not stay readable in freed space; before the first. */
    default void beforeDeletes(Connection conn) throws SQLException {
    }

    /**
     * Called in auto-commit mode after a committed delete removed rows from {@code quotedTable}:
     * rewrites what still holds the deleted rows; says what it did, or empty when it needs nothing.
     */
    default Optional<String> eraseDeleted(Connection conn, String quotedTable) throws SQLException {
        return Optional.empty();
    }

    /**
     * Called in auto-commit mode after every rule, when some rows were deleted: rewrites the
     * database where deleted rows may linger and empties logs the engine keeps beside it.
     */
    default Erasure finishErasure(Connection conn) throws SQLException {
        return new Erasure(List.of(), List.of());
    }

    /** What was done so that deleted rows cannot be read back from the database's files, and what was not. */
    record Erasure(List<String> done, List<String> missed) {
        public Erasure {
            done = List.copyOf(done);
            missed = List.copyOf(missed);
        }
    }
}
