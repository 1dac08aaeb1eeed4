package dev.lifeboat.source.sqlite;

import dev.lifeboat.source.PurgeDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SQLite and SQLCipher (which is SQLite behind a key): timestamps are ISO-8601 text, compared
 * through {@code julianday()} so that 'T' or ' ' separators and offsets all compare correctly,
 * or numbers of seconds or milliseconds since 1970. Deletes run with {@code secure_delete}, so
 * the freed cells, overflow and freelist pages are overwritten with zeros; then VACUUM rebuilds
 * every page and a checkpoint that truncates the WAL removes the older page images.
 */
public final class SqliteDialect implements PurgeDialect {
    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    @Override
    public String olderThan(String quotedColumn, TimeFormat format) {
        return format == TimeFormat.NATIVE ? "julianday(" + quotedColumn + ") < julianday(?)"
                : quotedColumn + " < ?";
    }

    @Override
    public void bindCutoff(PreparedStatement statement, int index, Instant cutoff, TimeFormat format)
            throws SQLException {
        switch (format) {
            case NATIVE -> statement.setString(index, TEXT.format(cutoff));
            case UNIX_SECONDS -> statement.setLong(index, cutoff.getEpochSecond());
            case UNIX_MILLIS -> statement.setLong(index, cutoff.toEpochMilli());
        }
    }

    @Override
    public Optional<String> formatProblem(Connection conn, String quotedTable, String quotedColumn, int sqlType,
                                          TimeFormat format) throws SQLException {
        String wrong = format == TimeFormat.NATIVE
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
                    + (format == TimeFormat.NATIVE ? "ISO-8601 timestamps (set format: unix-seconds or"
                    + " unix-millis if the column holds numbers)" : "numbers (remove 'format' if the column holds"
                    + " ISO-8601 text)"));
        }
    }

    @Override
    public void beforeDeletes(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA secure_delete = ON");
        }
    }

    /**
     * Rebuilds the database with VACUUM, then empties the WAL with a checkpoint in TRUNCATE mode.
     * secure_delete zeroes only what the deletes free; copies of the rows that page splits and
     * updates left earlier in the unused middle of pages stay until every page is rebuilt. The
     * checkpoint waits (up to the busy timeout) for readers of older snapshots, and says so if
     * they stay.
     */
    @Override
    public Erasure finishErasure(Connection conn) throws SQLException {
        List<String> done = new ArrayList<>(List.of("PRAGMA secure_delete = ON during the deletes"));
        try (Statement st = conn.createStatement()) {
            st.execute("VACUUM");
            done.add("VACUUM");
        } catch (SQLException e) {
            return new Erasure(done, List.of("VACUUM failed (" + e.getMessage() + "), so copies of deleted rows may"
                    + " stay in unused parts of pages; run the purge again when the application is idle"));
        }
        if (!JournalModes.isWal(conn)) {
            return new Erasure(done, List.of());
        }
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            rs.next();
            if (rs.getInt(1) != 0) {
                return new Erasure(done, List.of("the WAL could not be emptied: another connection still reads an"
                        + " older snapshot, so older copies of the deleted rows stay in the -wal file until the next"
                        + " checkpoint; run the purge again when the application is idle"));
            }
        }
        done.add("PRAGMA wal_checkpoint(TRUNCATE): the WAL is empty");
        return new Erasure(done, List.of());
    }
}
