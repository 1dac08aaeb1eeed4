package dev.lifeboat.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What scheduled jobs need from the catalog: last runs, counts, verification age, purge audits. */
public final class JobRecords {
    private static final String RUN_COLUMNS = "id, kind, trigger, status, name, repository, backup_id, started_at,"
            + " finished_at, duration_ms, plain_size, stored_size, error";
    private final Catalog catalog;

    public JobRecords(Catalog catalog) {
        this.catalog = catalog;
    }

    /** The newest run of this kind and name, whatever its status, running ones included. */
    public Optional<Run> lastRun(String kind, String name) {
        return catalog.select("SELECT " + RUN_COLUMNS + " FROM runs WHERE kind = ? AND name = ?"
                + " ORDER BY julianday(started_at) DESC, id DESC LIMIT 1", JobRecords::run, kind, name).stream().findFirst();
    }

    /** The newest finished run with one of these statuses. */
    public Optional<Run> lastRunWithStatus(String kind, String name, List<RunStatus> statuses) {
        String marks = String.join(", ", statuses.stream().map(s -> "?").toList());
        Object[] values = new Object[2 + statuses.size()];
        values[0] = kind;
        values[1] = name;
        for (int i = 0; i < statuses.size(); i++) {
            values[2 + i] = statuses.get(i).name();
        }
        return catalog.select("SELECT " + RUN_COLUMNS + " FROM runs WHERE kind = ? AND name = ? AND status IN ("
                + marks + ") ORDER BY julianday(started_at) DESC, id DESC LIMIT 1", JobRecords::run, values).stream().findFirst();
    }

    /** Finished runs of this kind and name, counted by status. */
    public Map<RunStatus, Long> runCounts(String kind, String name) {
        Map<RunStatus, Long> counts = new TreeMap<>();
        catalog.select("SELECT status, count(*) FROM runs WHERE kind = ? AND name = ? AND status <> ?"
                + " GROUP BY status", rs -> counts.put(RunStatus.stored(rs.getString(1)), rs.getLong(2)), kind, name,
                RunStatus.RUNNING.name());
        return counts;
    }

    /** When a backup of this name last passed verification, in any repository. */
    public Optional<Instant> lastVerified(String name) {
        return catalog.select("SELECT max(verified_at) FROM backups WHERE name = ? AND status = ?",
                rs -> Optional.ofNullable(Catalog.instant(rs.getString(1))), name, RunStatus.VERIFIED.name()).get(0);
    }

    public List<BackupEntry> backups(String name) {
        return catalog.select("SELECT backup_id, repository, name, purpose, started_at, status, plain_size,"
                + " stored_size, total_rows, verified_at FROM backups WHERE name = ? ORDER BY julianday(started_at), backup_id",
                rs -> new BackupEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.parse(rs.getString(5)), RunStatus.stored(rs.getString(6)), Catalog.nullableLong(rs, 7),
                        Catalog.nullableLong(rs, 8), Catalog.nullableLong(rs, 9), Catalog.instant(rs.getString(10))),
                name);
    }

    public void putPurgeAudit(PurgeAudit audit) {
        catalog.insert("INSERT INTO purges(name, run_at, rule, table_name, cutoff, rows, dry_run, error, oldest_backup,"
                + " oldest_dropped, all_dropped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", audit.name(),
                audit.runAt().toString(), audit.rule(), audit.table(), audit.cutoff().toString(), audit.rows(),
                audit.dryRun() ? 1 : 0, audit.error(), audit.oldestBackup(), text(audit.oldestDropped()),
                text(audit.allDropped()));
    }

    /** Purge audit records of a job, oldest first. */
    public List<PurgeAudit> purgeAudit(String name) {
        return catalog.select("SELECT name, run_at, rule, table_name, cutoff, rows, dry_run, error, oldest_backup,"
                + " oldest_dropped, all_dropped FROM purges WHERE name = ? ORDER BY id", rs -> new PurgeAudit(
                rs.getString(1), Instant.parse(rs.getString(2)), rs.getString(3), rs.getString(4),
                Instant.parse(rs.getString(5)), rs.getLong(6), rs.getInt(7) == 1, rs.getString(8), rs.getString(9),
                Catalog.instant(rs.getString(10)), Catalog.instant(rs.getString(11))), name);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static Run run(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Run(rs.getLong(1), rs.getString(2), rs.getString(3), RunStatus.stored(rs.getString(4)), rs.getString(5),
                rs.getString(6), rs.getString(7), Instant.parse(rs.getString(8)), Catalog.instant(rs.getString(9)),
                Catalog.nullableLong(rs, 10), Catalog.nullableLong(rs, 11), Catalog.nullableLong(rs, 12),
                rs.getString(13));
    }
}
