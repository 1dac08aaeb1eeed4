package dev.lifeboat.purge;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.PurgeDialect;
import dev.lifeboat.source.Purgeable;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs purge rules, each in its own transaction, so one failing rule neither undoes nor stops
 * the others, then makes the deleted rows unrecoverable from the database's files as its
 * engine's dialect knows how. A dry run counts the rows each rule would delete and changes nothing.
 */
public final class Purger {
    private final Clock clock;

    public Purger(Clock clock) {
        this.clock = clock;
    }

    /** Which database a purge runs on, and so what a table missing there means. */
    public enum Target {
        /** The application's database: a missing table is a mistake in the rule. */
        LIVE,
        /** A restore's staged copy, perhaps of a backup older than the table: a missing table holds no rows. */
        STAGED
    }

    /** Runs every rule; a rule that fails is recorded in the result, which the caller turns into a failure. */
    public PurgeResult run(Purgeable database, List<PurgeRule> rules, boolean dryRun, Target target) {
        Instant now = clock.instant();
        PurgeDialect dialect = database.dialect();
        List<PurgeResult.RuleOutcome> outcomes = new ArrayList<>();
        List<String> erasure = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        try (Connection conn = connect(database)) {
            if (!dryRun) {
                dialect.beforeDeletes(conn);
            }
            conn.setAutoCommit(false);
            for (PurgeRule rule : rules) {
                Instant cutoff = now.minus(rule.olderThan());
                long rows;
                try {
                    rows = apply(conn, dialect, rule, cutoff, dryRun, target);
                    conn.commit();
                } catch (SQLException | LifeboatException e) {
                    rollback(conn, e);
                    outcomes.add(new PurgeResult.RuleOutcome(rule, cutoff, 0, Optional.of(message(rule, e))));
                    continue;
                }
                outcomes.add(new PurgeResult.RuleOutcome(rule, cutoff, rows, Optional.empty()));
                if (!dryRun && rows > 0) {
                    erase(conn, dialect, rule, erasure, missed);
                }
            }
            if (!dryRun && outcomes.stream().anyMatch(o -> o.rows() > 0)) {
                conn.setAutoCommit(true);
                PurgeDialect.Erasure finished = dialect.finishErasure(conn);
                erasure.addAll(finished.done());
                missed.addAll(finished.missed());
            }
        } catch (SQLException e) {
            throw new LifeboatException(ExitCode.SOURCE, "purging " + database.location() + " failed ("
                    + e.getMessage() + "); check the database and run the purge again");
        }
        return new PurgeResult(dryRun, outcomes, erasure, missed);
    }

    private static Connection connect(Purgeable database) {
        try {
            return database.connect();
        } catch (SQLException e) {
            throw new LifeboatException(ExitCode.SOURCE, "cannot open " + database.location() + " to purge ("
                    + e.getMessage() + "); check that the database is reachable and the user may delete rows");
        }
    }

    /** The committed delete's rows are rewritten away outside any transaction; a failure is reported, not thrown. */
    private static void erase(Connection conn, PurgeDialect dialect, PurgeRule rule, List<String> erasure,
                              List<String> missed) throws SQLException {
        conn.setAutoCommit(true);
        try {
            dialect.eraseDeleted(conn, quote(rule.table())).ifPresent(erasure::add);
        } catch (SQLException e) {
            missed.add("the rows deleted from " + rule.table() + " stay readable in its files until their space is"
                    + " reused: " + e.getMessage() + "; rerun the purge as the table's owner when nothing holds a"
                    + " lock on it");
        } finally {
            conn.setAutoCommit(false);
        }
    }

    private static long apply(Connection conn, PurgeDialect dialect, PurgeRule rule, Instant cutoff, boolean dryRun,
                              Target target) throws SQLException {
        String table = quote(rule.table());
        String column = quote(rule.column());
        Map<String, Integer> columns = columns(conn, rule);
        if (columns.isEmpty() && target == Target.STAGED) {
            return 0;
        }
        int sqlType = columnType(rule, columns);
        Optional<String> problem = dialect.formatProblem(conn, table, column, sqlType, rule.format());
        if (problem.isPresent()) {
            throw new LifeboatException(ExitCode.SOURCE, "column " + rule.table() + "." + rule.column() + ": "
                    + problem.get());
        }
        String where = " WHERE " + dialect.olderThan(column, rule.format())
                + rule.where().map(w -> " AND (" + w + ")").orElse("");
        String sql = (dryRun ? "SELECT count(*) FROM " : "DELETE FROM ") + table + where;
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            dialect.bindCutoff(st, 1, cutoff, rule.format());
            if (!dryRun) {
                return st.executeUpdate();
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The table's columns and their JDBC types; empty when there is no such table. */
    private static Map<String, Integer> columns(Connection conn, PurgeRule rule) throws SQLException {
        String[] parts = rule.table().split("\\.", 2);
        String schema = parts.length == 2 ? parts[0] : null;
        String table = parts.length == 2 ? parts[1] : parts[0];
        Map<String, Integer> columns = new LinkedHashMap<>();
        DatabaseMetaData meta = conn.getMetaData();
        try (ResultSet rs = meta.getColumns(null, schema, table, "%")) {
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equals(table)) {
                    columns.putIfAbsent(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"));
                }
            }
        }
        return columns;
    }

    /** The column's JDBC type; a missing table or column is named with what exists instead. */
    private static int columnType(PurgeRule rule, Map<String, Integer> columns) {
        if (columns.isEmpty()) {
            throw new LifeboatException(ExitCode.SOURCE, "table " + rule.table() + " does not exist; fix 'table' in"
                    + " this rule in lifeboat.yaml");
        }
        Integer type = columns.get(rule.column());
        if (type == null) {
            throw new LifeboatException(ExitCode.SOURCE, "table " + rule.table() + " has no column " + rule.column()
                    + " (its columns: " + String.join(", ", columns.keySet()) + "); fix 'column' in this rule in"
                    + " lifeboat.yaml");
        }
        return type;
    }

    /** Identifiers were checked to be plain names when the config was read; quoting keeps their case. */
    static String quote(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("\\.")) {
            out.append(out.length() == 0 ? "" : ".").append('"').append(part.replace("\"", "\"\"")).append('"');
        }
        return out.toString();
    }

    private static String message(PurgeRule rule, Exception e) {
        return "rule " + rule.describe() + " failed: " + (e instanceof LifeboatException ? e.getMessage()
                : e.getMessage() + "; check the rule's table, column and where in lifeboat.yaml");
    }

    private static void rollback(Connection conn, Exception cause) {
        try {
            conn.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
