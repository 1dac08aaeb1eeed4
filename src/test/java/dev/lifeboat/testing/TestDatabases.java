package dev.lifeboat.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/** Real SQLite files for tests, made through the ordinary JDBC driver as an application would. */
public final class TestDatabases {
    private TestDatabases() {
    }

    public static Connection open(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    /**
     * Creates a WAL-mode database whose {@code rows} rows sit in the -wal file, never checkpointed,
     * and returns the connection that keeps them there: close it only after the backup.
     */
    public static Connection walWithUncheckpointedRows(Path db, int rows) throws SQLException {
        Connection conn = open(db);
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA wal_autocheckpoint=0");
            st.execute("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance REAL,"
                    + " profile TEXT)");
            st.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER, total INTEGER)");
            st.execute("CREATE INDEX orders_customer ON orders(customer_id)");
        }
        insertCustomers(conn, 0, rows);
        try (Statement st = conn.createStatement()) {
            st.execute("INSERT INTO orders(customer_id, total) SELECT id, id * 7 FROM customers WHERE id % 3 = 0");
        }
        return conn;
    }

    public static void insertCustomers(Connection conn, int from, int count) throws SQLException {
        boolean auto = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try (PreparedStatement insert = conn.prepareStatement(
                "INSERT INTO customers(id, name, balance, profile) VALUES (?, ?, ?, ?)")) {
            for (int i = from; i < from + count; i++) {
                insert.setInt(1, i + 1);
                insert.setString(2, "customer-" + i);
                insert.setDouble(3, i * 1.25);
                insert.setString(4, "{\"tier\":" + (i % 5) + ",\"note\":\"" + "x".repeat(i % 40) + "\"}");
                insert.addBatch();
            }
            insert.executeBatch();
        }
        conn.commit();
        conn.setAutoCommit(auto);
    }

    /** Row count of every ordinary table, through the stock sqlite3 CLI. */
    public static Map<String, Long> counts(Path db) {
        Map<String, Long> counts = new TreeMap<>();
        String tables = Tools.sqlite(db, "SELECT name FROM sqlite_schema WHERE type='table'"
                + " AND name NOT LIKE 'sqlite_%' ORDER BY name");
        for (String table : tables.lines().filter(l -> !l.isBlank()).toList()) {
            counts.put(table, Long.parseLong(Tools.sqlite(db, "SELECT count(*) FROM \"" + table + "\"")));
        }
        return counts;
    }

    /** A content digest of every table, independent of page layout: what a person means by "same data". */
    public static String contentDigest(Path db) {
        return Tools.sqlite(db, "SELECT (SELECT group_concat(id || name || balance || profile, '|')"
                + " FROM (SELECT * FROM customers ORDER BY id)) || '#' ||"
                + " (SELECT ifnull(group_concat(id || ':' || customer_id || ':' || total, '|'), '')"
                + " FROM (SELECT * FROM orders ORDER BY id))").hashCode() + "";
    }

    public static long count(Connection conn, String table) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static long walSize(Path db) throws java.io.IOException {
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        return Files.exists(wal) ? Files.size(wal) : 0;
    }
}
