package dev.lifeboat.source.postgres;

import dev.lifeboat.source.ServerArchiver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * The base backup's side of WAL archiving, on one connection held while the backup runs.
 *
 * <p>pg_basebackup runs with {@code --wal-method=fetch}, so the WAL from the backup's start to its
 * stop comes inside the tar and the server does not wait for the archiver. That wait would cost a
 * second or two at the end of every backup: PostgreSQL looks at the archiver once a second, and
 * the first look comes before the last segment could possibly be archived. Instead:
 * <ul>
 *   <li>a temporary replication slot, made before pg_basebackup starts, keeps that WAL in pg_wal
 *       until pg_basebackup has fetched it (a busy server could otherwise recycle it during a long
 *       backup); it goes with the connection, so a killed backup leaves nothing holding WAL;</li>
 *   <li>{@link #await} then polls {@code pg_stat_archiver} until the backup's last segment is
 *       archived, so that a stored backup is always one the archive continues from. With
 *       archive_command failing, it gives up after {@link #FAILURES} failures since the backup began
 *       (PostgreSQL tries a segment three times a second apart, then waits a minute) and says why.</li>
 * </ul>
 */
final class ArchiveWait implements AutoCloseable {
    static final int FAILURES = 3;
    private static final Duration EVERY = Duration.ofMillis(50);
    private final PgClient client;
    private final Connection conn;
    private final long failuresBefore;
    private final boolean archives;

    private ArchiveWait(PgClient client, Connection conn, long failuresBefore, boolean archives) {
        this.client = client;
        this.conn = conn;
        this.failuresBefore = failuresBefore;
        this.archives = archives;
    }

    /** Connects and makes the temporary slot that keeps the backup's WAL until pg_basebackup fetched it. */
    static ArchiveWait open(PgClient client) {
        Connection conn = client.connect();
        try (PreparedStatement st = conn.prepareStatement(
                "SELECT pg_create_physical_replication_slot(?, true, true)")) {
            st.setString(1, "lifeboat_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT));
            st.executeQuery().close();
            // As PostgreSQL's own wait: a standby archives only with archive_mode = always.
            boolean archives = PgCatalog.exists(conn, "SELECT 1 WHERE NOT pg_is_in_recovery()"
                    + " OR current_setting('archive_mode') = 'always'");
            return new ArchiveWait(client, conn, PgArchiver.read(conn).failedCount(), archives);
        } catch (SQLException e) {
            close(conn);
            if ("53400".equals(e.getSQLState())) {
                throw client.side().failure("cannot take a base backup of " + client.url().server() + ": every"
                        + " replication slot is in use (the backup needs a temporary one); raise max_replication_slots"
                        + " in postgresql.conf and restart PostgreSQL");
            }
            throw PgErrors.query(client, "make the base backup's temporary replication slot", e);
        }
    }

    /**
     * Returns once the server archived {@code lastSegment} (or a later file); PostgreSQL archives
     * its ready files oldest first and retries a failing one without skipping it. A standby that
     * does not archive (archive_mode = on) is not waited for, as PostgreSQL does not.
     */
    void await(String lastSegment) {
        try {
            while (archives) {
                ServerArchiver.Status now = PgArchiver.read(conn);
                if (now.lastArchivedWal().filter(archived -> archived.compareTo(lastSegment) >= 0).isPresent()) {
                    return;
                }
                if (now.failing() && now.failedCount() - failuresBefore >= FAILURES) {
                    throw client.side().failure("the server's archive_command failed " + (now.failedCount()
                            - failuresBefore) + " times while the base backup waited for its WAL to be archived"
                            + " (pg_stat_archiver: the last" + now.lastFailedWal().map(w -> " for " + w).orElse("")
                            + now.lastFailedAt().map(t -> " at " + t).orElse("") + "); no point after the backup"
                            + " could be restored, so it was stopped; fix archive_command (the PostgreSQL log shows"
                            + " wal-push's error; it runs as the PostgreSQL OS user, which must be able to write to"
                            + " the repository) and back up again; no backup was stored");
                }
                Thread.sleep(EVERY.toMillis());
            }
        } catch (SQLException e) {
            throw PgErrors.query(client, "wait for the base backup's WAL to be archived", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw client.side().failure("interrupted while the base backup waited for its WAL to be archived;"
                    + " no backup was stored", e);
        }
    }

    /** The connection holding the slot, for the backup's own queries meanwhile. */
    Connection connection() {
        return conn;
    }

    @Override
    public void close() {
        close(conn);
    }

    private static void close(Connection conn) {
        try {
            conn.close();
        } catch (SQLException e) {
            // the server drops the slot with the session
        }
    }
}
