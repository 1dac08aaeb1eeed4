package dev.lifeboat.source.postgres;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Inspector;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A new database that a snapshot is restored into with pg_restore, then counted. With one job
 * the snapshot streams into pg_restore's stdin; a custom archive read from a pipe has no data
 * offsets, so parallel jobs need it spooled to a scratch file first. Closing drops the database
 * unless it was handed over.
 */
class RestoredDatabase implements Inspector.Staged {
    protected final PgClient admin;
    protected final String name;
    private final Path pgRestore;
    private final boolean keepOwners;
    private final int jobs;
    private final ScratchSpace scratch;
    private ChildProcess restore;
    private Path spool;
    private boolean handedOver;

    /**
     * @param admin a client of the server's maintenance database
     * @param keepOwners restore object owners (needs a superuser); otherwise objects belong to the restoring role
     */
    RestoredDatabase(PgClient admin, String name, Path pgRestore, boolean keepOwners, int jobs, ScratchSpace scratch) {
        this.admin = admin;
        this.name = name;
        this.pgRestore = pgRestore;
        this.keepOwners = keepOwners;
        this.jobs = jobs;
        this.scratch = scratch;
    }

    /** Creates the empty database; {@code options} is the rest of CREATE DATABASE (template, encoding…). */
    static void create(PgClient admin, String name, String options) {
        try (Connection conn = admin.connect(); Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE " + PgNames.quote(name) + " " + options);
        } catch (SQLException e) {
            String fix = "42501".equals(e.getSQLState()) ? "; restore as a role with CREATEDB (ALTER ROLE "
                    + PgNames.quote(admin.url().user()) + " CREATEDB) or a superuser" : "";
            throw fix.isEmpty() ? PgErrors.query(admin, "create the database " + name, e)
                    : admin.side().failure("role " + admin.url().user() + " may not create the"
                    + " database " + name + fix, e);
        }
    }

    @Override
    public OutputStream output() throws IOException {
        if (jobs > 1) {
            spool = scratch.newFile(name + ".pgdump");
            return Channels.newOutputStream(ScratchSpace.writeTo(spool));
        }
        restore = startRestore(null);
        OutputStream stdin = restore.process().getOutputStream();
        return new FilterOutputStream(stdin) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    // A broken pipe only says pg_restore stopped; its stderr says why.
                    throw restoreFailed();
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw restoreFailed();
                }
                if (restore.waitFor() != 0) {
                    throw restoreFailed();
                }
            }
        };
    }

    private ChildProcess startRestore(Path archive) throws IOException {
        List<String> command = new ArrayList<>(List.of(pgRestore.toString(), "--exit-on-error", "--no-password"));
        if (!keepOwners) {
            command.add("--no-owner");
        }
        if (archive != null) {
            command.add("--jobs=" + jobs);
        }
        command.add(PgNames.dbnameArgument(name));
        if (archive != null) {
            command.add(archive.toString());
        }
        return ChildProcess.start(command, admin.childEnvironment(name), null);
    }

    private LifeboatException restoreFailed() throws IOException {
        int exit = restore.waitFor();
        String cause = restore.diagnosis();
        String fix = cause.contains("role") && cause.contains("does not exist")
                ? "create the missing roles first (pg_dumpall --globals-only of the source server), then retry"
                : "fix the cause on the server and retry; if it persists, try an older backup";
        return EngineFailure.content("pg_restore could not restore the backup into " + name
                + " (exit " + exit + ": " + cause + "); " + fix);
    }

    @Override
    public Inspector.Inspection check() throws IOException {
        List<String> checks = new ArrayList<>();
        if (spool != null) {
            restore = startRestore(spool);
            if (restore.waitFor() != 0) {
                throw restoreFailed();
            }
            checks.add("pg_restore --jobs=" + jobs + " into database " + name + ": exit 0");
        } else {
            checks.add("pg_restore into database " + name + ": exit 0");
        }
        try (Connection conn = admin.connect(name)) {
            Facts facts = PgCatalog.facts(conn, PgCatalog.tables(conn, PgScope.WHOLE_DATABASE),
                    PostgresOptions.FactsMode.EXACT, Map.of());
            checks.add("large objects: " + facts.properties().get("large_objects"));
            return new Inspector.Inspection(checks, facts);
        } catch (SQLException e) {
            throw PgErrors.query(admin, "count the rows of the restored database " + name, e);
        }
    }

    /** The database now lives under another name that someone else owns; closing must not drop it. */
    protected void handOver(boolean handed) {
        this.handedOver = handed;
    }

    @Override
    public void close() {
        if (restore != null) {
            restore.close();
        }
        if (spool != null) {
            ScratchSpace.delete(spool);
        }
        if (!handedOver) {
            drop(admin, name);
        }
    }

    /** Drops a database Lifeboat made, with FORCE so a stray session cannot keep it alive. */
    static void drop(PgClient admin, String database) {
        try (Connection conn = admin.connect(); Statement st = conn.createStatement()) {
            boolean force = PgCatalog.serverVersion(conn).major() >= 13;
            st.execute("DROP DATABASE IF EXISTS " + PgNames.quote(database) + (force ? " WITH (FORCE)" : ""));
        } catch (SQLException | LifeboatException e) {
            throw EngineFailure.target("cannot drop the database " + database + " that Lifeboat"
                    + " created (" + e.getMessage() + "); drop it by hand: DROP DATABASE " + PgNames.quote(database),
                    e);
        }
    }
}
