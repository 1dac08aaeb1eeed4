package dev.lifeboat.purge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The SQL that differs between engines: how "older than the cutoff" is written and bound, and
 * whether a column's values can be compared that way at all. Everything else in a purge is the
 * same code for every engine.
 */
public interface PurgeDialect {
    /** A condition on {@code quotedColumn} with exactly one {@code ?} for the cutoff. */
    String olderThan(String quotedColumn, PurgeRule.TimeFormat format);

    void bindCutoff(PreparedStatement statement, int index, Instant cutoff, PurgeRule.TimeFormat format)
            throws SQLException;

    /**
     * Why the column's values cannot be compared in this format (so the rule would delete nothing
     * or the wrong rows), or empty when they can.
     */
    Optional<String> formatProblem(Connection conn, String quotedTable, String quotedColumn, int sqlType,
                                   PurgeRule.TimeFormat format) throws SQLException;
}
