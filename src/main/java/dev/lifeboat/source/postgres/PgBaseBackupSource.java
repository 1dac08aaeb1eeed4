package dev.lifeboat.source.postgres;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Side;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole PostgreSQL cluster, copied with pg_basebackup for point-in-time recovery: the data
 * directory as a tar stream holding the WAL from its start to its stop, and the WAL after it from
 * continuous archiving ({@code lifeboat wal-push}).
 */
final class PgBaseBackupSource implements Source {
    static final String KIND = "postgresql-physical";
    private final PgClient client;
    private final PgTools tools;
    private final List<String> warnings = new ArrayList<>();
    private Path checkedTool;
    private PgVersion serverVersion;

    PgBaseBackupSource(PgClient client, PgTools tools) {
        this.client = client;
        this.tools = tools;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String location() {
        return client.url().location();
    }

    /** The server, whatever database the URL names: a base backup is of the whole cluster. */
    @Override
    public String identity() {
        return KIND + "://" + client.url().server();
    }

    @Override
    public String defaultName() {
        return "cluster";
    }

    @Override
    public boolean snapshotIsEncrypted() {
        return false;
    }

    @Override
    public boolean waitsForWalArchiving() {
        return true;
    }

    @Override
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * pg_basebackup's version, and the server settings a restorable base backup needs, each
     * failure with the exact fix: WAL level, replication senders, slots and privilege, archiving, and a
     * single tablespace (the tar stream on stdout holds the data directory only).
     */
    @Override
    public void preflight() {
        if (checkedTool != null) {
            return;
        }
        PgTools.Probe probe = tools.probe("pg_basebackup");
        try (Connection conn = client.connect()) {
            PgVersion server = PgCatalog.serverVersion(conn);
            Path tool = probe.require(server);
            String walLevel = PgCatalog.string(conn, "SHOW wal_level");
            if (walLevel.equals("minimal")) {
                throw refused("wal_level is minimal; set wal_level = replica in postgresql.conf and restart"
                        + " PostgreSQL");
            }
            if (Integer.parseInt(PgCatalog.string(conn, "SHOW max_wal_senders")) < 1) {
                throw refused("max_wal_senders is 0; set max_wal_senders = 10 in postgresql.conf and restart"
                        + " PostgreSQL");
            }
            if (Integer.parseInt(PgCatalog.string(conn, "SHOW max_replication_slots")) < 1) {
                throw refused("max_replication_slots is 0, and the backup keeps its WAL with a temporary slot; set"
                        + " max_replication_slots = 10 in postgresql.conf and restart PostgreSQL");
            }
            if (!PgCatalog.exists(conn, "SELECT 1 FROM pg_roles WHERE rolname = current_user"
                    + " AND (rolreplication OR rolsuper)")) {
                throw refused("the role " + client.url().user() + " may not take base backups; run ALTER ROLE "
                        + PgNames.quote(client.url().user()) + " REPLICATION (and allow it a 'replication' line in"
                        + " pg_hba.conf)");
            }
            List<String> tablespaces = PgCatalog.strings(conn, "SELECT spcname FROM pg_tablespace WHERE spcname NOT IN"
                    + " ('pg_default', 'pg_global') ORDER BY spcname");
            if (!tablespaces.isEmpty()) {
                throw refused("the cluster has tablespaces outside its data directory (" + String.join(", ",
                        tablespaces) + "), which physical backups do not cover yet; move their tables to pg_default"
                        + " or back the databases up logically (without --physical)");
            }
            String archiveMode = PgCatalog.string(conn, "SHOW archive_mode");
            if (archiveMode.equals("off")) {
                throw refused("archive_mode is off, so the WAL this backup needs would never be kept; set"
                        + " archive_mode = on and archive_command = 'lifeboat wal-push %p --repo REPO …' in"
                        + " postgresql.conf and restart PostgreSQL");
            }
            String archiveCommand = PgCatalog.string(conn, "SHOW archive_command");
            if (!archiveCommand.contains("wal-push")) {
                warnings.add("archive_command is '" + archiveCommand + "', not lifeboat wal-push: this backup can"
                        + " only be restored with WAL from wherever that command puts it");
            }
            serverVersion = server;
            checkedTool = tool;
        } catch (SQLException e) {
            throw PgErrors.query(client, "check the server before the base backup", e);
        }
    }

    private LifeboatException refused(String message) {
        return Side.SOURCE.failure("cannot take a base backup of " + client.url().server() + ": "
                + message);
    }

    @Override
    public Snapshot snapshot(ScratchSpace scratch) {
        preflight();
        return PgBaseBackup.start(client, checkedTool, serverVersion);
    }
}
