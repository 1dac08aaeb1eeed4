package dev.lifeboat.source.postgres;

import dev.lifeboat.source.PurgeDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

/**
 * PostgreSQL: timestamp, timestamptz and date columns compared with a timestamptz cutoff
 * (a column without time zone is read in the session's TimeZone), or epoch numbers.
 *
 * <p>A table that lost rows is rewritten with {@code VACUUM FULL}. A plain VACUUM only marks the
 * dead tuples' space free and compacts each page, and the freed bytes keep the deleted values
 * until new rows overwrite them (measured: a third of the deleted rows were still in the table's
 * file after DELETE, VACUUM and CHECKPOINT). VACUUM FULL writes the live rows, the TOAST table and
 * the indexes into new files and truncates the old ones when it commits; it holds an ACCESS
 * EXCLUSIVE lock on the table while it runs. The server's WAL still holds the deleted rows until
 * its segments are recycled.
 */
final class PgPurgeDialect implements PurgeDialect {
    private static final Set<Integer> TIMES = Set.of(Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE, Types.DATE);
    private static final Set<Integer> NUMBERS = Set.of(Types.BIGINT, Types.INTEGER, Types.NUMERIC, Types.DOUBLE,
            Types.DECIMAL, Types.REAL, Types.SMALLINT);

    @Override
    public String olderThan(String quotedColumn, TimeFormat format) {
        return quotedColumn + " < ?";
    }

    @Override
    public void bindCutoff(PreparedStatement statement, int index, Instant cutoff, TimeFormat format)
            throws SQLException {
        switch (format) {
            case NATIVE -> statement.setObject(index, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            case UNIX_SECONDS -> statement.setLong(index, cutoff.getEpochSecond());
            case UNIX_MILLIS -> statement.setLong(index, cutoff.toEpochMilli());
        }
    }

    @Override
    public Optional<String> formatProblem(Connection conn, String quotedTable, String quotedColumn, int sqlType,
                                          TimeFormat format) {
        boolean nativeFormat = format == TimeFormat.NATIVE;
        if (nativeFormat && !TIMES.contains(sqlType)) {
            return Optional.of("the column is not a timestamp or date (set format: unix-seconds or unix-millis if"
                    + " it holds epoch numbers)");
        }
        if (!nativeFormat && !NUMBERS.contains(sqlType)) {
            return Optional.of("the column is not numeric (remove 'format' for timestamp columns)");
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> eraseDeleted(Connection conn, String quotedTable) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("VACUUM FULL " + quotedTable);
        }
        return Optional.of("VACUUM FULL " + quotedTable);
    }
}
