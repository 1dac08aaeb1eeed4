package dev.lifeboat.source.postgres;

import dev.lifeboat.source.ServerArchiver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** Reads {@code pg_stat_archiver}, which any role may read. */
final class PgArchiver {
    private PgArchiver() {
    }

    static ServerArchiver.Status read(PgClient client) {
        try (Connection conn = client.connect()) {
            return read(conn);
        } catch (SQLException e) {
            throw PgErrors.query(client, "reading pg_stat_archiver", e);
        }
    }

    /** On an open connection; each call sees the counters as they are now (outside a transaction). */
    static ServerArchiver.Status read(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT failed_count, last_archived_time, last_archived_wal,"
                     + " last_failed_time, last_failed_wal FROM pg_stat_archiver")) {
            rs.next();
            return new ServerArchiver.Status(rs.getLong(1), instant(rs.getTimestamp(2)),
                    Optional.ofNullable(rs.getString(3)), instant(rs.getTimestamp(4)), Optional.ofNullable(rs.getString(5)));
        }
    }

    private static Optional<Instant> instant(Timestamp t) {
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }
}
