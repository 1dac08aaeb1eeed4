package dev.lifeboat.source.postgres;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.postgres.PgCatalog.Table;
import dev.lifeboat.source.postgres.PgScope.QualifiedName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * pg_dump's custom-format output, streamed from its stdout, taken in a snapshot that Lifeboat
 * exported from its own REPEATABLE READ transaction. Exact row counts are read from the dump as
 * it streams (its COPY lines), so the manifest's counts are exactly what the dump holds, even
 * while the application keeps writing, without scanning every table a second time; a table the
 * dump did not show is counted in the same exported snapshot once the dump has ended. A failing
 * pg_dump fails the read at the end of the stream, before any manifest can be written.
 */
final class PgSnapshot implements Snapshot {
    private final PgClient client;
    private final Connection conn;
    private final ChildProcess dump;
    private final List<Table> tables;
    private final PostgresOptions.FactsMode mode;
    private final Facts described;
    private final DumpRowCounter counter = new DumpRowCounter();

    private PgSnapshot(PgClient client, Connection conn, ChildProcess dump, List<Table> tables,
                       PostgresOptions.FactsMode mode, Facts described) {
        this.client = client;
        this.conn = conn;
        this.dump = dump;
        this.tables = tables;
        this.mode = mode;
        this.described = described;
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
            // Read once pg_dump is on its way: its start-up and these queries overlap.
            List<Table> tables = PgCatalog.tables(conn, options.scope());
            Map<String, String> extra = Map.of("scope", options.scope().describe());
            Facts described = options.facts() == PostgresOptions.FactsMode.EXACT
                    ? PgCatalog.describe(conn, Map.of(), options.facts(), extra)
                    : PgCatalog.facts(conn, tables, options.facts(), extra);
            return new PgSnapshot(client, conn, dump, tables, options.facts(), described);
        } catch (SQLException e) {
            closeQuietly(conn, dump);
            throw PgErrors.query(client, "prepare the snapshot of " + client.url().database(), e);
        } catch (IOException e) {
            closeQuietly(conn, dump);
            throw client.side().failure("cannot start pg_dump (" + e.getMessage() + "); check"
                    + " --pg-bin and the PostgreSQL client tools", e);
        } catch (RuntimeException e) {
            closeQuietly(conn, dump);
            throw e;
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
        InputStream stdout = dump.stdout(this::failure);
        return mode == PostgresOptions.FactsMode.EXACT ? counter.counting(stdout) : stdout;
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
        return client.side().failure("pg_dump of " + client.url().database() + " failed (exit "
                + exit + ": " + cause + "); " + fix + "; no backup was stored");
    }

    @Override
    public Facts facts() throws IOException {
        if (!dump.succeeded()) {
            // Never describe a dump that may be partial.
            throw client.side().failure("the pg_dump stream of " + client.url().database()
                    + " was not read to a successful end; retry");
        }
        if (mode != PostgresOptions.FactsMode.EXACT) {
            return described;
        }
        Map<QualifiedName, Long> counted = counter.rows().orElse(Map.of());
        Map<String, String> properties = new LinkedHashMap<>(described.properties());
        long fromDump = tables.stream().filter(t -> counted.containsKey(t.name())).count();
        properties.put("row_counts_from", fromDump == tables.size() ? "dump"
                : fromDump == 0 ? "snapshot" : "dump+snapshot");
        return new Facts(described.engine(), described.engineVersion(),
                exactRows(counted, fromDump < tables.size()), properties);
    }

    /** The dump's counts, and a count(*) in the exported snapshot of each table the dump did not show. */
    private Map<String, Long> exactRows(Map<QualifiedName, Long> counted, boolean someUncounted) {
        Map<String, Long> rows = new LinkedHashMap<>();
        try {
            if (someUncounted) {
                PgCatalog.prepareCounts(conn);
            }
            for (Table table : tables) {
                Long n = counted.get(table.name());
                rows.put(table.name().toString(), n != null ? n : PgCatalog.count(conn, table.name()));
            }
        } catch (SQLException e) {
            throw PgErrors.query(client, "count the rows of the snapshot", e);
        }
        return rows;
    }

    @Override
    public void close() {
        closeQuietly(conn, dump);
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
