package dev.lifeboat.purge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * SQLite and SQLCipher (which is SQLite behind a key): timestamps are ISO-8601 text, compared
 * through {@code julianday()} so that 'T' or ' ' separators and offsets all compare correctly,
 * or numbers of seconds or milliseconds since 1970.
 */
public final class SqliteDialect implements PurgeDialect {
    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    @Override
    public String olderThan(String quotedColumn, PurgeRule.TimeFormat format) {
        return format == PurgeRule.TimeFormat.NATIVE ? "julianday(" + quotedColumn + ") < julianday(?)"
                : quotedColumn + " < ?";
    }

    @Override
    public void bindCutoff(PreparedStatement statement, int index, Instant cutoff, PurgeRule.TimeFormat format)
            throws SQLException {
        switch (format) {
            case NATIVE -> statement.setString(index, TEXT.format(cutoff));
            case UNIX_SECONDS -> statement.setLong(index, cutoff.getEpochSecond());
            case UNIX_MILLIS -> statement.setLong(index, cutoff.toEpochMilli());
        }
    }

    @Override
    public Optional<String> formatProblem(Connection conn, String quotedTable, String quotedColumn, int sqlType,
                                          PurgeRule.TimeFormat format) throws SQLException {
        String wrong = format == PurgeRule.TimeFormat.NATIVE
                ? "typeof(" + quotedColumn + ") <> 'text' OR julianday(" + quotedColumn + ") IS NULL"
                : "typeof(" + quotedColumn + ") NOT IN ('integer', 'real')";
        String sql = "SELECT count(*), min(" + quotedColumn + ") FROM " + quotedTable + " WHERE " + quotedColumn
                + " IS NOT NULL AND (" + wrong + ")";
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            long bad = rs.getLong(1);
            if (bad == 0) {
                return Optional.empty();
            }
            String example = rs.getString(2);
            return Optional.of(bad + " row(s) hold values such as '" + example + "' that are not "
                    + (format == PurgeRule.TimeFormat.NATIVE ? "ISO-8601 timestamps (set format: unix-seconds or"
                    + " unix-millis if the column holds numbers)" : "numbers (remove 'format' if the column holds"
                    + " ISO-8601 text)"));
        }
    }
}
