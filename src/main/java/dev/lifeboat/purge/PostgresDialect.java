package dev.lifeboat.purge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

/**
 * PostgreSQL: timestamp, timestamptz and date columns compared with a timestamptz cutoff
 * (a column without time zone is read in the session's TimeZone), or epoch numbers.
 */
public final class PostgresDialect implements PurgeDialect {
    private static final Set<Integer> TIMES = Set.of(Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE, Types.DATE);
    private static final Set<Integer> NUMBERS = Set.of(Types.BIGINT, Types.INTEGER, Types.NUMERIC, Types.DOUBLE,
            Types.DECIMAL, Types.REAL, Types.SMALLINT);

    @Override
    public String olderThan(String quotedColumn, PurgeRule.TimeFormat format) {
        return quotedColumn + " < ?";
    }

    @Override
    public void bindCutoff(PreparedStatement statement, int index, Instant cutoff, PurgeRule.TimeFormat format)
            throws SQLException {
        switch (format) {
            case NATIVE -> statement.setObject(index, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            case UNIX_SECONDS -> statement.setLong(index, cutoff.getEpochSecond());
            case UNIX_MILLIS -> statement.setLong(index, cutoff.toEpochMilli());
        }
    }

    @Override
    public Optional<String> formatProblem(Connection conn, String quotedTable, String quotedColumn, int sqlType,
                                          PurgeRule.TimeFormat format) {
        boolean native_ = format == PurgeRule.TimeFormat.NATIVE;
        if (native_ && !TIMES.contains(sqlType)) {
            return Optional.of("the column is not a timestamp or date (set format: unix-seconds or unix-millis if"
                    + " it holds epoch numbers)");
        }
        if (!native_ && !NUMBERS.contains(sqlType)) {
            return Optional.of("the column is not numeric (remove 'format' for timestamp columns)");
        }
        return Optional.empty();
    }
}
