package dev.lifeboat.source.postgres;

import dev.lifeboat.source.Side;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.Snapshot;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A restored, checked database waiting beside the target, swapped in by two renames: target to
 * {@code <db>_pre_restore_<time>}, then the new one to the target's name. Rollback undoes
 * whichever renames happened. Renames need the database free of sessions, hence the option to
 * terminate them.
 */
final class PgStagedRestore extends RestoredDatabase implements RestoreTarget.Staged {
    private static final int RENAME_ATTEMPTS = 5;
    private final PgClient target;
    private final PostgresOptions options;
    private final PgTools tools;
    private String previous;
    private State state = State.NOTHING_MOVED;
    private boolean replacing;
    private Snapshot current;

    private enum State { NOTHING_MOVED, OLD_MOVED_ASIDE, SWAPPED }

    PgStagedRestore(PgClient target, PgClient admin, String name, Path pgRestore, boolean superuser,
                    PostgresOptions options, ScratchSpace scratch, PgTools tools) {
        super(admin, name, pgRestore, superuser, options.jobs(), scratch);
        this.target = target;
        this.options = options;
        this.tools = tools;
        this.previous = PgNames.derived(target.url().database(), "pre_restore", Instant.now());
    }

    private String database() {
        return target.url().database();
    }

    @Override
    public Snapshot preserveCurrent() {
        if (!options.terminateConnections()) {
            List<String> sessions = sessions(database());
            if (!sessions.isEmpty()) {
                throw busy(sessions);
            }
        }
        replacing = true;
        current = PgTarget.currentContent(target, tools);
        return current;
    }

    @Override
    public void install() {
        if (current != null) {
            // The safety backup is stored by now; its session would keep the target from being renamed.
            current.close();
        }
        try (Connection conn = admin.connect(); Statement st = conn.createStatement()) {
            if (PgCatalog.exists(conn, "SELECT 1 FROM pg_database WHERE datname = ?", database())) {
                if (!replacing) {
                    throw Side.TARGET.failure("the database " + database() + " was created by"
                            + " someone else during the restore; rerun the restore to replace it");
                }
                moveAside(conn, st);
            }
            st.execute("ALTER DATABASE " + PgNames.quote(name) + " RENAME TO " + PgNames.quote(database()));
            state = State.SWAPPED;
            handOver(true);
        } catch (SQLException e) {
            throw PgErrors.query(target, "rename databases to put the restored " + database() + " in place", e);
        }
    }

    private void moveAside(Connection conn, Statement st) throws SQLException {
        previous = unused(conn, previous);
        if (options.terminateConnections()) {
            st.execute("ALTER DATABASE " + PgNames.quote(database()) + " ALLOW_CONNECTIONS false");
        }
        for (int attempt = 1; ; attempt++) {
            if (options.terminateConnections()) {
                terminate(conn, database());
            }
            try {
                st.execute("ALTER DATABASE " + PgNames.quote(database()) + " RENAME TO " + PgNames.quote(previous));
                break;
            } catch (SQLException e) {
                if (!"55006".equals(e.getSQLState())) {
                    throw e;
                }
                if (!options.terminateConnections() || attempt == RENAME_ATTEMPTS) {
                    throw busy(sessions(database()));
                }
                pause();
            }
        }
        state = State.OLD_MOVED_ASIDE;
        if (options.terminateConnections()) {
            st.execute("ALTER DATABASE " + PgNames.quote(previous) + " ALLOW_CONNECTIONS true");
        }
    }

    @Override
    public void rollback() {
        try (Connection conn = admin.connect(); Statement st = conn.createStatement()) {
            if (state == State.SWAPPED) {
                // Sessions that reached the new content in the meantime were using what we take back.
                for (int attempt = 1; ; attempt++) {
                    terminate(conn, database());
                    try {
                        st.execute("ALTER DATABASE " + PgNames.quote(database()) + " RENAME TO " + PgNames.quote(name));
                        break;
                    } catch (SQLException e) {
                        if (!"55006".equals(e.getSQLState()) || attempt == RENAME_ATTEMPTS) {
                            throw e;
                        }
                        pause();
                    }
                }
                handOver(false);
                state = State.OLD_MOVED_ASIDE;
            }
            if (state == State.OLD_MOVED_ASIDE) {
                st.execute("ALTER DATABASE " + PgNames.quote(previous) + " RENAME TO " + PgNames.quote(database()));
                state = State.NOTHING_MOVED;
            }
            if (options.terminateConnections()) {
                st.execute("ALTER DATABASE " + PgNames.quote(database()) + " ALLOW_CONNECTIONS true");
            }
        } catch (SQLException e) {
            throw PgErrors.query(target, "rename the databases back (" + database() + " is "
                    + (state == State.SWAPPED ? "the restored one" : "under the name " + previous) + ")", e);
        }
    }

    @Override
    public java.util.Optional<dev.lifeboat.source.Purgeable> purgeable() {
        return java.util.Optional.of(new PgPurgeable(admin, name, "the staged database " + name));
    }

    @Override
    public List<String> installNotes() {
        if (state != State.SWAPPED || !previousExists()) {
            return List.of();
        }
        return List.of(options.dropPrevious() ? "previous database " + previous + " is dropped (--drop-previous)"
                : "previous content kept as database " + previous + "; drop it when no longer needed: DROP DATABASE "
                + previous);
    }

    /** {@code name}, or with _2, _3, … when a restore in the same second already kept a database by that name. */
    private static String unused(Connection conn, String name) throws SQLException {
        String candidate = name;
        for (int n = 2; PgCatalog.exists(conn, "SELECT 1 FROM pg_database WHERE datname = ?", candidate); n++) {
            candidate = PgNames.withSuffix(name, "_" + n);
        }
        return candidate;
    }

    private boolean previousExists() {
        try (Connection conn = admin.connect()) {
            return PgCatalog.exists(conn, "SELECT 1 FROM pg_database WHERE datname = ?", previous);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
        super.close();
        if (state == State.SWAPPED && options.dropPrevious()) {
            RestoredDatabase.drop(admin, previous);
        }
    }

    /** Other sessions on {@code database}, described by user and application. */
    private List<String> sessions(String database) {
        List<String> sessions = new ArrayList<>();
        try (Connection conn = admin.connect(); PreparedStatement st = conn.prepareStatement("SELECT usename,"
                + " coalesce(nullif(application_name, ''), 'no application name') FROM pg_stat_activity"
                + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    sessions.add(rs.getString(1) + " (" + rs.getString(2) + ")");
                }
            }
        } catch (SQLException e) {
            throw PgErrors.query(target, "list the sessions of " + database, e);
        }
        return sessions;
    }

    private LifeboatException busy(List<String> sessions) {
        return Side.TARGET.failure(sessions.size() + " other session(s) use the database "
                + database() + " (" + String.join(", ", sessions.subList(0, Math.min(5, sessions.size())))
                + "), so it cannot be renamed aside; stop the application or pass --terminate-connections");
    }

    private static void terminate(Connection conn, String database) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("SELECT pg_terminate_backend(pid"
                + (PgCatalog.serverVersion(conn).major() >= 14 ? ", 5000" : "") + ") FROM pg_stat_activity"
                + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
            st.setString(1, database);
            st.executeQuery().close();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
