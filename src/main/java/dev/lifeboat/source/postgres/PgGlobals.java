package dev.lifeboat.source.postgres;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A server's roles and tablespaces, from {@code pg_dumpall --globals-only}: what the database
 * backups of {@code --all-databases} need to rebuild a whole server. Only a superuser may read
 * role passwords; any other role's backup goes without them, and the manifest says so.
 */
final class PgGlobals implements Source {
    static final String KIND = "postgresql-globals";
    /** The last line pg_dumpall writes; its absence means the output was cut short. */
    static final String COMPLETE = "PostgreSQL database cluster dump complete";
    private final PgClient client;
    private final PgTools tools;

    /** @param client a client of the server's maintenance database */
    PgGlobals(PgClient client, PgTools tools) {
        this.client = client;
        this.tools = tools;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String location() {
        return client.url().withDatabase("").location();
    }

    @Override
    public String defaultName() {
        return "globals";
    }

    @Override
    public boolean snapshotIsEncrypted() {
        return false;
    }

    @Override
    public void preflight() {
        try (Connection conn = client.connect()) {
            tools.require("pg_dumpall", PgCatalog.serverVersion(conn));
        } catch (SQLException e) {
            throw PgErrors.query(client, "check the server before the backup", e);
        }
    }

    @Override
    public Snapshot snapshot(ScratchSpace scratch) {
        Facts facts;
        boolean superuser;
        Path pgDumpall;
        try (Connection conn = client.connect()) {
            pgDumpall = tools.require("pg_dumpall", PgCatalog.serverVersion(conn));
            superuser = PgCatalog.role(conn).superuser();
            facts = new Facts(KIND, PgCatalog.string(conn, "SHOW server_version"), Map.of(), Map.of(
                    "roles", PgCatalog.string(conn, "SELECT count(*) FROM pg_roles WHERE rolname !~ '^pg_'"),
                    "tablespaces", PgCatalog.string(conn, "SELECT count(*) FROM pg_tablespace"
                            + " WHERE spcname NOT IN ('pg_default', 'pg_global')"),
                    "role_passwords", superuser ? "included" : "excluded (not taken as a superuser)"));
        } catch (SQLException e) {
            throw PgErrors.query(client, "read the roles and tablespaces", e);
        }
        List<String> command = new ArrayList<>(List.of(pgDumpall.toString(), "--globals-only", "--no-password"));
        if (!superuser) {
            command.add("--no-role-passwords");
        }
        command.add(PgNames.dbnameArgument(client.url().database()));
        try {
            return new GlobalsSnapshot(ChildProcess.start(command, client.childEnvironment(client.url().database()),
                    null), facts);
        } catch (IOException e) {
            throw client.side().failure("cannot start pg_dumpall (" + e.getMessage() + "); check"
                    + " --pg-bin and the PostgreSQL client tools", e);
        }
    }

    private final class GlobalsSnapshot implements Snapshot {
        private final ChildProcess dumpall;
        private final Facts facts;

        GlobalsSnapshot(ChildProcess dumpall, Facts facts) {
            this.dumpall = dumpall;
            this.facts = facts;
        }

        @Override
        public String extension() {
            return ".sql";
        }

        @Override
        public long size() {
            return -1;
        }

        @Override
        public InputStream open() {
            return dumpall.stdout(exit -> client.side().failure("pg_dumpall --globals-only failed"
                    + " (exit " + exit + ": " + dumpall.diagnosis() + "); check the server log and retry; no backup"
                    + " was stored"));
        }

        @Override
        public Facts facts() {
            if (!dumpall.succeeded()) {
                throw client.side().failure("the pg_dumpall output was not read to a successful"
                        + " end; retry");
            }
            return facts;
        }

        @Override
        public void close() {
            dumpall.close();
        }
    }
}
