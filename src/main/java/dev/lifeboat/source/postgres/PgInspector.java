package dev.lifeboat.source.postgres;

import dev.lifeboat.source.Side;
import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Inspector;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * Verifies a pg_dump snapshot by restoring it into a scratch database on a real server (the one
 * the backup came from, or --verify-server), then counting; the scratch database is dropped in
 * every outcome.
 */
final class PgInspector implements Inspector {
    private final PgUrl server;
    private final String database;
    private final Map<String, String> env;
    private final PgTools tools;
    private final int jobs;

    /** @param database the backed-up database's name, which the scratch database's name starts with */
    PgInspector(PgUrl server, String database, Map<String, String> env, PgTools tools, int jobs) {
        this.server = server;
        this.database = database.isEmpty() ? "lifeboat" : database;
        this.env = Map.copyOf(env);
        this.tools = tools;
        this.jobs = jobs;
    }

    @Override
    public Staged stage(ScratchSpace scratch) {
        PgClient admin = new PgClient(server.withDatabase("postgres"), env, Side.TARGET);
        boolean superuser;
        try (Connection conn = admin.connect()) {
            tools.require("pg_restore", PgCatalog.serverVersion(conn));
            PgCatalog.Role role = PgCatalog.role(conn);
            if (!role.superuser() && !role.createDb()) {
                throw EngineFailure.target("role " + role.name() + " may not create the scratch"
                        + " database that verification restores into; verify as a role with CREATEDB, e.g."
                        + " --verify-server postgresql://postgres@" + server.host() + ":" + server.port() + "/");
            }
            superuser = role.superuser();
        } catch (SQLException e) {
            throw PgErrors.query(admin, "prepare a scratch database for verification", e);
        }
        String name = PgNames.scratch(database, Instant.now());
        RestoredDatabase.create(admin, name, "TEMPLATE template0");
        return new RestoredDatabase(admin, name, tools.locate("pg_restore"), superuser, jobs, scratch);
    }
}
