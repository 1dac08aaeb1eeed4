package dev.lifeboat.source.postgres;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.Snapshot;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Restores into a database by name. Nothing is overwritten in place: the backup goes into a new
 * database {@code <db>_restore_<time>}, is counted, and only then are names swapped, the old
 * database staying as {@code <db>_pre_restore_<time>}.
 */
final class PgTarget implements RestoreTarget {
    private final PgClient client;
    private final PgTools tools;
    private final PostgresOptions options;
    private final ScratchSpace scratch;

    PgTarget(PgClient client, PgTools tools, PostgresOptions options, ScratchSpace scratch) {
        this.client = client;
        this.tools = tools;
        this.options = options;
        this.scratch = scratch;
    }

    /** Renames cannot touch the database one is connected to, so restoring "postgres" works from template1. */
    PgClient admin() {
        return client.forDatabase("postgres".equals(client.url().database()) ? "template1" : "postgres");
    }

    @Override
    public String location() {
        return client.url().location();
    }

    @Override
    public String defaultName() {
        return PostgresEngine.backupName(client.url().database());
    }

    /** The database's server and name, as {@code PgSource.identity()} names a whole-database backup's source. */
    @Override
    public java.util.Optional<String> identity() {
        return java.util.Optional.of(client.url().identity());
    }

    @Override
    public boolean exists() {
        try (Connection conn = admin().connect()) {
            return PgCatalog.exists(conn, "SELECT 1 FROM pg_database WHERE datname = ?", client.url().database());
        } catch (SQLException e) {
            throw PgErrors.query(client, "look up the database " + client.url().database(), e);
        }
    }

    @Override
    public void checkReplaceable() {
        String database = client.url().database();
        PgTools.Probe restore = tools.probe("pg_restore"); // reports its version while we connect
        try (Connection conn = admin().connect()) {
            PgVersion server = PgCatalog.serverVersion(conn);
            restore.require(server);
            PgCatalog.Role role = PgCatalog.role(conn);
            if (!role.superuser() && !role.createDb()) {
                throw EngineFailure.target("role " + role.name() + " may not create databases,"
                        + " and a restore first restores into a new one; as a superuser run ALTER ROLE "
                        + PgNames.quote(role.name()) + " CREATEDB, or restore as a superuser");
            }
            if (PgCatalog.exists(conn, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                tools.require("pg_dump", server);
                if (!role.superuser() && !PgCatalog.exists(conn, "SELECT 1 FROM pg_database WHERE datname = ?"
                        + " AND pg_has_role(datdba, 'MEMBER')", database)) {
                    throw EngineFailure.target("role " + role.name() + " does not own the database "
                            + database + ", so it cannot rename it aside; restore as its owner or a superuser");
                }
            }
        } catch (SQLException e) {
            throw PgErrors.query(client, "check the restore target " + database, e);
        }
    }

    @Override
    public void checkRestorable(Facts facts) {
        if (PgGlobals.KIND.equals(facts.engine())) {
            throw EngineFailure.request("this backup holds a server's roles and tablespaces"
                    + " (pg_dumpall --globals-only), not a database; apply it by hand: lifeboat cat ID --repo REPO"
                    + " | psql -d postgres");
        }
        if (!PgCatalog.KIND.equals(facts.engine())) {
            throw EngineFailure.request("this is a backup of a " + facts.engine() + " database and"
                    + " cannot be restored into PostgreSQL; restore it to a " + facts.engine() + " target");
        }
        String scope = facts.properties().getOrDefault("scope", "database");
        if (!scope.equals("database") && exists()) {
            throw EngineFailure.target("this backup holds only part of a database (" + scope
                    + "), and restoring it over " + client.url().database() + " would replace the whole database;"
                    + " restore it into a new database (--to …/" + client.url().database() + "_partial) and copy"
                    + " what you need from there");
        }
    }

    @Override
    public Staged stage() {
        String database = client.url().database();
        String staged = PgNames.derived(database, "restore", Instant.now());
        PgClient admin = admin();
        boolean superuser;
        String createOptions;
        try (Connection conn = admin.connect()) {
            superuser = PgCatalog.role(conn).superuser();
            createOptions = createOptions(conn, database);
        } catch (SQLException e) {
            throw PgErrors.query(client, "read the settings of " + database, e);
        }
        Path pgRestore = tools.locate("pg_restore");
        RestoredDatabase.create(admin, staged, createOptions);
        PgStagedRestore restore = new PgStagedRestore(client, admin, staged, pgRestore, superuser, options, scratch,
                tools);
        try (Connection conn = admin.connect()) {
            DatabaseSettings.copy(conn, database, staged);
        } catch (SQLException | RuntimeException e) {
            restore.close();
            throw e instanceof SQLException sql ? PgErrors.query(client, "copy the privileges and settings of "
                    + database, sql) : (RuntimeException) e;
        }
        return restore;
    }

    /**
     * The new database gets the encoding and locale of the database it replaces (or of template1
     * for a new one) and, when allowed, the same owner.
     */
    private static String createOptions(Connection conn, String database) throws SQLException {
        String sql = "SELECT pg_encoding_to_char(encoding), datcollate, datctype,"
                + " CASE WHEN pg_has_role(datdba, 'MEMBER') THEN pg_get_userbyid(datdba) END"
                + " FROM pg_database WHERE datname = ? UNION ALL"
                + " SELECT pg_encoding_to_char(encoding), datcollate, datctype, NULL"
                + " FROM pg_database WHERE datname = 'template1'";
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                String options = "TEMPLATE template0 ENCODING " + PgNames.literal(rs.getString(1)) + " LC_COLLATE "
                        + PgNames.literal(rs.getString(2)) + " LC_CTYPE " + PgNames.literal(rs.getString(3));
                return rs.getString(4) == null ? options : options + " OWNER " + PgNames.quote(rs.getString(4));
            }
        }
    }

    /** Used by the engine for the safety backup of the current target. */
    static Snapshot currentContent(PgClient client, PgTools tools) {
        return new DeferredSnapshot(() -> new PgSource(client, tools,
                PostgresOptions.DEFAULTS.withPgBin(tools.pgBin())).snapshot(null));
    }
}
