package dev.lifeboat.source.postgres;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.postgres.PgCatalog.Table;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.postgresql.PGConnection;

/**
 * pg_dump's custom-format output, streamed from its stdout, taken in a snapshot that Lifeboat
 * exported from its own REPEATABLE READ transaction. The rows are counted in that same snapshot
 * on a second thread while pg_dump streams, so the manifest's counts are exactly what the dump
 * holds, even while the application keeps writing. A failing pg_dump fails the read at the end
 * of the stream, before any manifest can be written.
 */
final class PgSnapshot implements Snapshot {
    private final PgClient client;
    private final Connection conn;
    private final ChildProcess dump;
    private final CompletableFuture<Facts> facts;

    private PgSnapshot(PgClient client, Connection conn, ChildProcess dump, CompletableFuture<Facts> facts) {
        this.client = client;
        this.conn = conn;
        this.dump = dump;
        this.facts = facts;
    }

    /** Takes the snapshot with a pg_dump the source's preflight has checked against the server. */
    static PgSnapshot take(PgClient client, Path pgDump, PostgresOptions options) {
        Connection conn = client.connect();
        ChildProcess dump = null;
        try {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            conn.setReadOnly(true);
            String snapshotId = PgCatalog.string(conn, "SELECT pg_export_snapshot()");
            List<String> command = new ArrayList<>(List.of(pgDump.toString(), "--format=custom", "--compress=0",
                    "--no-password", "--snapshot=" + snapshotId));
            command.addAll(options.scope().pgDumpArguments());
            command.add(PgNames.dbnameArgument(client.url().database()));
            dump = ChildProcess.start(command, client.childEnvironment(client.url().database()), null);
            // Listed once pg_dump is on its way: its start-up and the listing overlap.
            List<Table> tables = PgCatalog.tables(conn, options.scope());
            Map<String, String> extra = Map.of("scope", options.scope().describe());
            CompletableFuture<Facts> facts = CompletableFuture.supplyAsync(() -> count(conn, tables, options, extra),
                    DaemonThreads.eachOnItsOwn("lifeboat-pg-facts"));
            return new PgSnapshot(client, conn, dump, facts);
        } catch (SQLException e) {
            closeQuietly(conn, dump);
            throw PgErrors.query(client, "prepare the snapshot of " + client.url().database(), e);
        } catch (IOException e) {
            closeQuietly(conn, dump);
            throw new LifeboatException(client.failure(), "cannot start pg_dump (" + e.getMessage() + "); check"
                    + " --pg-bin and the PostgreSQL client tools", e);
        } catch (RuntimeException e) {
            closeQuietly(conn, dump);
            throw e;
        }
    }

    private static Facts count(Connection conn, List<Table> tables, PostgresOptions options,
                               Map<String, String> extra) {
        try {
            return PgCatalog.facts(conn, tables, options.facts(), extra);
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    @Override
    public String extension() {
        return ".pgdump";
    }

    @Override
    public long size() {
        return -1;
    }

    @Override
    public InputStream open() {
        return dump.stdout(this::failure);
    }

    private LifeboatException failure(int exit) {
        String stderr = dump.stderr();
        String cause = dump.diagnosis();
        String fix;
        if (stderr.contains("row-level security")) {
            fix = "give the role BYPASSRLS (ALTER ROLE " + PgNames.quote(client.url().user()) + " BYPASSRLS) or"
                    + " back up as a dedicated backup role";
        } else if (stderr.contains("permission denied")) {
            fix = "GRANT pg_read_all_data TO " + PgNames.quote(client.url().user()) + ", or back up as the owner";
        } else if (stderr.contains("version mismatch")) {
            fix = "use pg_dump of the server's major version or newer (--pg-bin)";
        } else {
            fix = "check the server log and retry";
        }
        return new LifeboatException(client.failure(), "pg_dump of " + client.url().database() + " failed (exit "
                + exit + ": " + cause + "); " + fix + "; no backup was stored");
    }

    @Override
    public Facts facts() throws IOException {
        if (!dump.succeeded()) {
            // Never describe a dump that may be partial.
            throw new LifeboatException(client.failure(), "the pg_dump stream of " + client.url().database()
                    + " was not read to a successful end; retry");
        }
        try {
            return facts.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw PgErrors.query(client, "count the rows of the snapshot", sql);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        dump.close();
        if (!facts.isDone()) {
            try {
                conn.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                // The count ends with the connection below anyway.
            }
        }
        try {
            facts.join();
        } catch (RuntimeException e) {
            // Reported through facts(), or irrelevant once the snapshot is discarded.
        }
        closeQuietly(conn, null);
    }

    private static void closeQuietly(Connection conn, ChildProcess dump) {
        if (dump != null) {
            dump.close();
        }
        try {
            conn.close();
        } catch (SQLException e) {
            // Closing ends the transaction, and with it the exported snapshot; nothing to report.
        }
    }
}
