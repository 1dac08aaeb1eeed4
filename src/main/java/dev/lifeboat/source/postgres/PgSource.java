package dev.lifeboat.source.postgres;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;

/** One PostgreSQL database, or the part of it the scope names. */
final class PgSource implements Source {
    private final PgClient client;
    private final PgTools tools;
    private final PostgresOptions options;
    /** pg_dump, once a preflight found it fit; the CLI and the runner both ask, the checks run once. */
    private java.nio.file.Path checkedPgDump;

    PgSource(PgClient client, PgTools tools, PostgresOptions options) {
        if (client.url().database().isEmpty()) {
            throw EngineFailure.request("the URL " + client.url().location() + " names no database;"
                    + " add /DBNAME");
        }
        this.client = client;
        this.tools = tools;
        this.options = options;
    }

    @Override
    public String kind() {
        return PgCatalog.KIND;
    }

    /** Server and database, not the user: the same database reached as another role is the same source. */
    @Override
    public String identity() {
        String scope = options.scope().describe();
        return client.url().identity() + (scope.equals("database") ? "" : " (" + scope + ")");
    }

    @Override
    public String location() {
        return client.url().location();
    }

    @Override
    public String defaultName() {
        return PostgresEngine.backupName(client.url().database());
    }

    @Override
    public boolean snapshotIsEncrypted() {
        return false;
    }

    /** Connection, client tool versions, row-level security and scope: everything before any data moves. */
    @Override
    public void preflight() {
        if (checkedPgDump != null) {
            return;
        }
        PgTools.Probe dump = tools.probe("pg_dump");
        PgTools.Probe restore = tools.probe("pg_restore");
        try (java.sql.Connection conn = client.connect()) {
            PgVersion server = PgCatalog.serverVersion(conn);
            java.nio.file.Path pgDump = dump.require(server);
            restore.require(server);
            PgPreflight.check(client, conn, options.scope());
            checkedPgDump = pgDump;
        } catch (java.sql.SQLException e) {
            throw PgErrors.query(client, "check the database before the backup", e);
        }
    }

    @Override
    public Snapshot snapshot(ScratchSpace scratch) {
        preflight();
        return PgSnapshot.take(client, checkedPgDump, options);
    }
}
