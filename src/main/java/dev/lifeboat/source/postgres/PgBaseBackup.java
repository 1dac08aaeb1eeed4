package dev.lifeboat.source.postgres;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.source.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pg_basebackup's tar stream of the data directory ({@code -Ft -D - -X fetch}), streamed from its
 * stdout, with the WAL from its start to its stop inside it. The backup ends once the archive holds
 * its last segment too ({@link ArchiveWait}). Its facts name the cluster (system identifier), the
 * timeline and the WAL range, from the backup manifest and the backup_label inside the stream.
 */
final class PgBaseBackup implements Snapshot {
    static final String LABEL = "backup_label";
    static final String MANIFEST = "backup_manifest";
    /** The backup manifest ends with the WAL range the backup needs. */
    private static final Pattern RANGE = Pattern.compile("\"WAL-Ranges\"\\s*:\\s*\\[.*?\"Timeline\"\\s*:\\s*(\\d+)"
            + "\\s*,\\s*\"Start-LSN\"\\s*:\\s*\"([0-9A-F/]+)\"\\s*,\\s*\"End-LSN\"\\s*:\\s*\"([0-9A-F/]+)\"", Pattern.DOTALL);
    private final PgClient client;
    private final ChildProcess child;
    private final Map<String, String> cluster;
    private final PgVersion version;
    private final ArchiveWait archiving;
    private TarFileCapture capture;

    private PgBaseBackup(PgClient client, ChildProcess child, Map<String, String> cluster, PgVersion version,
                         ArchiveWait archiving) {
        this.client = client;
        this.child = child;
        this.cluster = cluster;
        this.version = version;
        this.archiving = archiving;
    }

    static PgBaseBackup start(PgClient client, Path tool, PgVersion version) {
        Map<String, String> cluster = new LinkedHashMap<>();
        ArchiveWait archiving = ArchiveWait.open(client);
        try {
            Connection conn = archiving.connection();
            cluster.put("system_identifier", PgCatalog.string(conn,
                    "SELECT system_identifier::text FROM pg_control_system()"));
            cluster.put("data_checksums", PgCatalog.string(conn, "SHOW data_checksums"));
            cluster.put("wal_segment_size", PgCatalog.string(conn,
                    "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"));
            cluster.put("server_version", PgCatalog.string(conn, "SHOW server_version"));
        } catch (SQLException e) {
            archiving.close();
            throw PgErrors.query(client, "read the cluster's identity", e);
        }
        // The manifest's per-file checksums would be the server's CPU spent on the very bytes whose
        // SHA-256 the pipeline records and every restore and verification checks.
        List<String> command = List.of(tool.toString(), "--pgdata=-", "--format=tar", "--wal-method=fetch",
                "--checkpoint=fast", "--manifest-checksums=NONE", "--verbose", "--no-password", "--label=lifeboat");
        try {
            return new PgBaseBackup(client, ChildProcess.start(command, client.childEnvironment(client.url()
                    .database()), null), cluster, version, archiving);
        } catch (IOException e) {
            archiving.close();
            throw client.side().failure("cannot start pg_basebackup (" + e.getMessage() + ");"
                    + " check --pg-bin and the PostgreSQL client tools", e);
        }
    }

    @Override
    public String extension() {
        return ".tar";
    }

    @Override
    public long size() {
        return -1;
    }

    @Override
    public InputStream open() {
        capture = new TarFileCapture(child.stdout(this::failure), Set.of(LABEL, MANIFEST));
        return capture;
    }

    private LifeboatException failure(int exit) {
        String stderr = child.stderr();
        String fix = stderr.contains("no pg_hba.conf entry for replication")
                ? "add a 'host replication " + client.url().user() + " …' line to pg_hba.conf and reload"
                : stderr.contains("number of requested standby connections exceeds max_wal_senders")
                ? "raise max_wal_senders in postgresql.conf and restart"
                : "check the server log and retry";
        return client.side().failure("pg_basebackup of " + client.url().server() + " failed (exit "
                + exit + ": " + child.diagnosis() + "); " + fix + "; no backup was stored");
    }

    @Override
    public Facts facts() throws IOException {
        if (!child.succeeded()) {
            throw client.side().failure("the pg_basebackup stream of " + client.url().server()
                    + " was not read to a successful end; retry");
        }
        Matcher range = RANGE.matcher(capture == null ? "" : capture.content(MANIFEST).orElse(""));
        if (!range.find()) {
            throw client.side().failure("pg_basebackup's stream held no backup manifest with its"
                    + " WAL range; use pg_basebackup of PostgreSQL 15 or newer, without --no-manifest");
        }
        long segmentSize = segmentSize(cluster.get("wal_segment_size"));
        int timeline = Integer.parseInt(range.group(1));
        long startLsn = WalNames.parseLsn(range.group(2)).orElseThrow();
        long stopLsn = WalNames.parseLsn(range.group(3)).orElseThrow();
        Map<String, String> properties = new LinkedHashMap<>(cluster);
        properties.put("timeline", Integer.toString(timeline));
        properties.put("start_lsn", WalNames.formatLsn(startLsn));
        properties.put("stop_lsn", WalNames.formatLsn(stopLsn));
        properties.put("start_wal", WalNames.segmentOf(timeline, startLsn, segmentSize));
        properties.put("stop_wal", WalNames.segmentOf(timeline, stopLsn - 1, segmentSize));
        archiving.await(properties.get("stop_wal"));
        properties.put("wal_segment_size", Long.toString(segmentSize));
        properties.put("tablespaces", "pg_default,pg_global");
        properties.put("backup_manifest", "in the tar");
        if (capture != null) {
            capture.content(LABEL).ifPresent(label -> properties.put("backup_label", label));
        }
        return new Facts(PgBaseBackupSource.KIND, version.toString(), Map.of(), properties);
    }

    /** pg_settings gives wal_segment_size in bytes (unit B) on PostgreSQL 11 and later. */
    private static long segmentSize(String setting) {
        try {
            long value = Long.parseLong(setting.strip());
            return value > 0 ? value : WalNames.DEFAULT_SEGMENT_SIZE;
        } catch (NumberFormatException e) {
            return WalNames.DEFAULT_SEGMENT_SIZE;
        }
    }

    @Override
    public void close() {
        archiving.close();
        child.close();
    }
}
