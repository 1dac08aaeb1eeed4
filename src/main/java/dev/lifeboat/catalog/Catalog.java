package dev.lifeboat.catalog;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.ProcessOwner;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * A local SQLite index of every run and every backup seen. It is a cache: the repositories'
 * manifests and verification records are the truth, and {@link CatalogRebuild} recreates it.
 * One connection serves every thread of a daemon, so its methods are synchronized.
 */
public final class Catalog implements AutoCloseable {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, trigger TEXT NOT NULL,
              status TEXT NOT NULL, name TEXT, repository TEXT, backup_id TEXT, started_at TEXT NOT NULL,
              finished_at TEXT, duration_ms INTEGER, plain_size INTEGER, stored_size INTEGER, error TEXT,
              owner TEXT);
            CREATE TABLE IF NOT EXISTS backups(backup_id TEXT NOT NULL, repository TEXT NOT NULL, name TEXT NOT NULL,
              purpose TEXT NOT NULL, started_at TEXT NOT NULL, status TEXT NOT NULL, plain_size INTEGER,
              stored_size INTEGER, total_rows INTEGER, verified_at TEXT, PRIMARY KEY(backup_id, repository));
            CREATE TABLE IF NOT EXISTS purges(id INTEGER PRIMARY KEY, name TEXT NOT NULL, run_at TEXT NOT NULL,
              rule TEXT NOT NULL, table_name TEXT NOT NULL, cutoff TEXT NOT NULL, rows INTEGER NOT NULL,
              dry_run INTEGER NOT NULL, error TEXT, oldest_backup TEXT, oldest_dropped TEXT, all_dropped TEXT);
            CREATE INDEX IF NOT EXISTS runs_by_name ON runs(name, started_at);
            """;
    private final Connection conn;
    private final Clock clock;

    private Catalog(Connection conn, Clock clock) {
        this.conn = conn;
        this.clock = clock;
    }

    /** Opens (creating if needed) the catalog and marks runs of dead processes as interrupted. */
    public static Catalog open(Path file, Clock clock) {
        try {
            DurableFiles.createPrivateDirectories(file.toAbsolutePath().getParent());
            createPrivately(file);
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(10_000);
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            // The catalog is a cache the repositories can rebuild: no fsync on every run's update.
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            Connection conn = config.createConnection("jdbc:sqlite:" + file);
            try (Statement st = conn.createStatement()) {
                st.executeUpdate(SCHEMA);
            }
            addMissingColumns(conn, "purges", List.of("oldest_backup", "oldest_dropped", "all_dropped"));
            Catalog catalog = new Catalog(conn, clock);
            catalog.markInterrupted();
            return catalog;
        } catch (SQLException | IOException e) {
            throw new LifeboatException(ExitCode.FAILURE, "cannot open the catalog " + file + " (" + e.getMessage()
                    + "); set LIFEBOAT_STATE_DIR to a writable folder", e);
        }
    }

    /**
     * Creates a missing catalog as an empty 0600 file before SQLite opens it: SQLite would create
     * it with its own default mode, and gives the -wal and -shm the mode of the database file.
     */
    private static void createPrivately(Path file) throws IOException {
        try {
            Files.createFile(file, DurableFiles.privateFile());
        } catch (FileAlreadyExistsException e) {
            // An existing catalog keeps its mode.
        }
    }

    /** Brings a table of an older catalog up to the schema: the columns it lacks, as nullable text. */
    private static void addMissingColumns(Connection conn, String table, List<String> columns) throws SQLException {
        List<String> present = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                present.add(rs.getString("name"));
            }
        }
        for (String column : columns) {
            if (!present.contains(column)) {
                try (Statement st = conn.createStatement()) {
                    st.executeUpdate("ALTER TABLE " + table + " ADD COLUMN " + column + " TEXT");
                }
            }
        }
    }

    private void markInterrupted() throws SQLException {
        List<Long> dead = new ArrayList<>();
        try (PreparedStatement st = conn.prepareStatement("SELECT id, owner FROM runs WHERE status = ?")) {
            st.setString(1, RunStatus.RUNNING.name());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (ProcessOwner.parse(rs.getString(2)).map(ProcessOwner::isDeadOnThisHost).orElse(false)) {
                        dead.add(rs.getLong(1));
                    }
                }
            }
        }
        for (long id : dead) {
            finish(id, RunStatus.FAILED, null, "interrupted: the process ended before the run finished");
        }
    }

    /** Records the start of a run and returns its id. */
    public synchronized long start(String kind, String trigger, String name, String repository) {
        return update("INSERT INTO runs(kind, trigger, status, name, repository, started_at, owner)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", kind, trigger, RunStatus.RUNNING.name(), name, repository,
                clock.instant().toString(), ProcessOwner.current().token());
    }

    /** Ends a run; a backup's manifest fills in its id and sizes and enters the backup index. */
    public synchronized void finish(long run, RunStatus status, Manifest backup, String error) {
        Instant now = clock.instant();
        update("UPDATE runs SET status = ?, finished_at = ?, error = ?,"
                + " duration_ms = CAST((julianday(?) - julianday(started_at)) * 86400000 AS INTEGER) WHERE id = ?",
                status.name(), now.toString(), error, now.toString(), run);
        if (backup != null) {
            update("UPDATE runs SET backup_id = ?, plain_size = ?, stored_size = ? WHERE id = ?", backup.id(),
                    backup.seal().plainSize(), backup.seal().storedSize(), run);
        }
    }

    /** Enters a finished run as it happened, e.g. one reconstructed from a manifest. */
    public synchronized void putFinishedRun(Run run) {
        update("INSERT INTO runs(kind, trigger, status, name, repository, backup_id, started_at, finished_at,"
                + " duration_ms, plain_size, stored_size, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                run.kind(), run.trigger(), run.status().name(), run.name(), run.repository(), run.backupId(),
                run.startedAt().toString(), run.finishedAt() == null ? null : run.finishedAt().toString(),
                run.durationMillis(), run.plainSize(), run.storedSize(), run.error());
    }

    /** Enters or refreshes a backup in the index. */
    public synchronized void putBackup(Manifest m, String repository, RunStatus status, Instant verifiedAt) {
        update("INSERT INTO backups(backup_id, repository, name, purpose, started_at, status, plain_size,"
                + " stored_size, total_rows, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT(backup_id, repository) DO UPDATE SET status = excluded.status,"
                + " verified_at = coalesce(excluded.verified_at, verified_at)", m.id(), repository, m.name(), m.purpose(),
                m.startedAt().toString(), status.name(), m.seal().plainSize(), m.seal().storedSize(), m.facts().totalRows(),
                verifiedAt == null ? null : verifiedAt.toString());
    }

    /** Runs, newest first. */
    public synchronized List<Run> history(Optional<String> name, int limit) {
        String sql = "SELECT id, kind, trigger, status, name, repository, backup_id, started_at, finished_at,"
                + " duration_ms, plain_size, stored_size, error FROM runs"
                + (name.isPresent() ? " WHERE name = ?" : "") + " ORDER BY julianday(started_at) DESC, id DESC LIMIT " + limit;
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            if (name.isPresent()) {
                st.setString(1, name.get());
            }
            List<Run> runs = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    runs.add(new Run(rs.getLong(1), rs.getString(2), rs.getString(3), RunStatus.stored(rs.getString(4)), rs.getString(5),
                            rs.getString(6), rs.getString(7), Instant.parse(rs.getString(8)), instant(rs.getString(9)),
                            nullableLong(rs, 10), nullableLong(rs, 11), nullableLong(rs, 12), rs.getString(13)));
                }
            }
            return runs;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Number of backups indexed per status, for tests and status pages. */
    public synchronized List<String> backupStatuses(String repository) {
        List<String> statuses = new ArrayList<>();
        try (PreparedStatement st = conn.prepareStatement(
                "SELECT backup_id || ' ' || status FROM backups WHERE repository = ? ORDER BY julianday(started_at), backup_id")) {
            st.setString(1, repository);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    statuses.add(rs.getString(1));
                }
            }
            return statuses;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Every repository location the catalog has seen. */
    public synchronized List<String> knownRepositories() {
        List<String> found = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT repository FROM backups"
                + " UNION SELECT repository FROM runs WHERE repository IS NOT NULL ORDER BY 1")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
            return found;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    synchronized void clear() {
        update("DELETE FROM backups");
        update("DELETE FROM runs WHERE status <> ?", RunStatus.RUNNING.name());
    }

    /** Reads one row of a query. */
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** A query for the other classes of this package, under the same lock as everything else. */
    synchronized <T> List<T> select(String sql, Row<T> row, Object... values) {
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setObject(i + 1, values[i]);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.read(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    synchronized long insert(String sql, Object... values) {
        return update(sql, values);
    }

    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private long update(String sql, Object... values) {
        try (PreparedStatement st = conn.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < values.length; i++) {
                st.setObject(i + 1, values[i]);
            }
            st.executeUpdate();
            try (ResultSet keys = st.getGeneratedKeys()) {
                return keys.next() ? keys.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static LifeboatException failure(SQLException e) {
        return new LifeboatException(ExitCode.FAILURE, "the catalog failed (" + e.getMessage()
                + "); it can be recreated with 'lifeboat catalog rebuild'", e);
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // Nothing is pending: every update commits on its own.
        }
    }
}
