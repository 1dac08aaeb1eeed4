package dev.lifeboat.source.postgres;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;

/** One PostgreSQL database, or the part of it the scope names. */
final class PgSource implements Source {
    private final PgClient client;
    private final PgTools tools;
    private final PostgresOptions options;

    PgSource(PgClient client, PgTools tools, PostgresOptions options) {
        if (client.url().database().isEmpty()) {
            throw new LifeboatException(ExitCode.USAGE, "the URL " + client.url().location() + " names no database;"
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
        try (java.sql.Connection conn = client.connect()) {
            PgVersion server = PgCatalog.serverVersion(conn);
            tools.require("pg_dump", server);
            tools.require("pg_restore", server);
            PgPreflight.check(client, conn, options.scope());
        } catch (java.sql.SQLException e) {
            throw PgErrors.query(client, "check the database before the backup", e);
        }
    }

    @Override
    public Snapshot snapshot(ScratchSpace scratch) {
        return PgSnapshot.take(client, tools, options);
    }
}
