package dev.lifeboat.source.sqlite;

import dev.lifeboat.manifest.Facts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads facts and runs integrity checks on an SQLite snapshot, over any java.sql connection:
 * SQLCipher snapshots are read with the same queries through their own driver.
 */
public final class SqliteFacts {
    private SqliteFacts() {
    }

    public static Facts read(Connection conn, Map<String, String> extra) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : tables(conn)) {
            rows.put(table, longValue(conn, "SELECT count(*) FROM " + SqliteFiles.quote(table)));
        }
        Map<String, String> properties = new LinkedHashMap<>(extra);
        for (String pragma : List.of("page_size", "page_count", "user_version", "application_id", "encoding",
                "auto_vacuum")) {
            properties.put(pragma, stringValue(conn, "PRAGMA " + pragma));
        }
        String version = stringValue(conn, "SELECT sqlite_version()");
        return new Facts("sqlite", version, rows, properties);
    }

    /** Ordinary tables; virtual tables are skipped as they may need modules the reader lacks. */
    private static List<String> tables(Connection conn) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table'"
                     + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                     + " AND upper(sql) NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    /** The problems {@code PRAGMA integrity_check} reports; empty when the file is sound. */
    public static List<String> integrityProblems(Connection conn) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            while (rs.next()) {
                String line = rs.getString(1);
                if (!"ok".equals(line)) {
                    problems.add(line);
                }
            }
        }
        return problems;
    }

    public static long longValue(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static String stringValue(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }
}
