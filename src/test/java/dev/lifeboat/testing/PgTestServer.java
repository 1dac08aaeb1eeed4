package dev.lifeboat.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The real PostgreSQL server at 127.0.0.1:5432, shared with other test runs: every database and
 * role a test makes has a unique name and is dropped on close, with whatever Lifeboat derived
 * from it ({@code <db>_restore_…}, {@code <db>_pre_restore_…}, {@code <db>_verify_…}).
 */
public final class PgTestServer implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    public static final int PORT = 5432;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final List<String> databases = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();

    public PgTestServer() {
        try (Connection conn = connect("postgres")) {
            conn.isValid(5);
        } catch (SQLException e) {
            fail("these tests need the PostgreSQL server at " + HOST + ":" + PORT + " (user postgres, trust auth),"
                    + " which is not reachable (" + e.getMessage() + "); start it with: pg_ctlcluster"
                    + " --skip-systemctl-redirect $(ls /etc/postgresql) main start");
        }
    }

    public static String unique(String prefix) {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }

    /** {@code postgresql://user@127.0.0.1:5432/db}. */
    public static String url(String user, String database) {
        return "postgresql://" + user + "@" + HOST + ":" + PORT + "/" + database;
    }

    public static Connection connect(String database) throws SQLException {
        return connect("postgres", database);
    }

    public static Connection connect(String user, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + database, props);
    }

    /** A new empty database named {@code <prefix>_<random>}, dropped on close. */
    public String createDatabase(String prefix) throws SQLException {
        String name = unique(prefix);
        databases.add(name);
        execute("postgres", "CREATE DATABASE " + name);
        return name;
    }

    /**
     * A multi-tenant application's database, dropped on close: schema {@code tenant_42} with 42
     * orders and schema {@code tenant_7} with 7.
     */
    public String createTenantDatabase(String prefix) throws SQLException {
        String name = createDatabase(prefix);
        execute(name, "CREATE SCHEMA tenant_42", "CREATE SCHEMA tenant_7",
                "CREATE TABLE tenant_42.orders (id int PRIMARY KEY, note text)",
                "INSERT INTO tenant_42.orders SELECT g, 'n' || g FROM generate_series(1, 42) g",
                "CREATE TABLE tenant_7.orders (id int)", "INSERT INTO tenant_7.orders VALUES (7), (8), (9), (10),"
                        + " (11), (12), (13)");
        return name;
    }

    /** Remembers a database a test expects Lifeboat to create, so that it is dropped too. */
    public String adopt(String database) {
        databases.add(database);
        return database;
    }

    /** A new role named {@code <prefix>_<random>} with {@code attributes} (e.g. "LOGIN"), dropped on close. */
    public String createRole(String prefix, String attributes) throws SQLException {
        String name = unique(prefix);
        roles.add(name);
        execute("postgres", "CREATE ROLE " + name + " " + attributes);
        return name;
    }

    public static void execute(String database, String... statements) throws SQLException {
        try (Connection conn = connect(database); Statement st = conn.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    public static String value(String database, String sql) throws SQLException {
        try (Connection conn = connect(database); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public static long count(String database, String table) throws SQLException {
        return Long.parseLong(value(database, "SELECT count(*) FROM " + table));
    }

    /** Databases named {@code name} or {@code name_…}, sorted. */
    public static List<String> databasesLike(String name) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection conn = connect("postgres"); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname = '" + name
                     + "' OR datname LIKE '" + name.replace("_", "\\_") + "\\_%' ORDER BY 1")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }

    /**
     * Every user table of {@code database} with its row count and an md5 of its rows in a fixed
     * order: equal maps mean equal content.
     */
    public static Map<String, String> tableDigests(String database) throws SQLException {
        Map<String, String> digests = new TreeMap<>();
        try (Connection conn = connect(database); Statement st = conn.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT quote_ident(schemaname) || '.' || quote_ident(tablename)"
                    + " FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) || ' rows, md5 '"
                        + " || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-') FROM " + table + " t")) {
                    rs.next();
                    digests.put(table, rs.getString(1));
                }
            }
        }
        return digests;
    }

    @Override
    public void close() throws SQLException {
        List<String> drop = new ArrayList<>();
        for (String database : databases) {
            drop.addAll(databasesLike(database));
        }
        for (String database : drop) {
            execute("postgres", "DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
        }
        for (String role : roles) {
            execute("postgres", "DROP ROLE IF EXISTS " + role);
        }
    }
}
