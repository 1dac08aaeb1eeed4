package dev.lifeboat.source.postgres;

import dev.lifeboat.manifest.Facts;
import dev.lifeboat.source.postgres.PgScope.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What Lifeboat reads from a database's catalog: its tables, their rows, and the facts of a manifest. */
final class PgCatalog {
    static final String KIND = "postgresql";
    /** Tables whose rows pg_dump writes: ordinary tables outside system schemas and extensions. */
    private static final String DUMPED_TABLES = "SELECT n.nspname, c.relname, c.reltuples::bigint,"
            + " c.relrowsecurity AND (c.relforcerowsecurity OR NOT pg_has_role(c.relowner, 'USAGE')),"
            + " has_table_privilege(c.oid, 'SELECT')"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind = 'r' AND c.relpersistence <> 't'"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
            + " AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
            + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
            + " AND d.objid = c.oid AND d.deptype = 'e')"
            + " ORDER BY 1, 2";

    private PgCatalog() {
    }

    /** One table as the catalog sees it for the connected role. */
    record Table(QualifiedName name, long estimatedRows, boolean rowSecurityApplies, boolean readable) {
    }

    /** The connected role's attributes that decide what it may do. */
    record Role(String name, boolean superuser, boolean bypassRls, boolean createDb) {
    }

    static PgVersion serverVersion(Connection conn) throws SQLException {
        return PgVersion.ofServerNumber(Integer.parseInt(string(conn, "SHOW server_version_num")));
    }

    static Role role(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT rolname, rolsuper, rolbypassrls, rolcreatedb FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            return new Role(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4));
        }
    }

    /** Tables pg_dump would write rows of, within {@code scope}. */
    static List<Table> tables(Connection conn, PgScope scope) throws SQLException {
        List<Table> tables = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(DUMPED_TABLES)) {
            while (rs.next()) {
                if (scope.includes(rs.getString(1), rs.getString(2))) {
                    tables.add(new Table(new QualifiedName(rs.getString(1), rs.getString(2)), rs.getLong(3),
                            rs.getBoolean(4), rs.getBoolean(5)));
                }
            }
        }
        return tables;
    }

    /** The schemas and relations the scope names that the database lacks. */
    static List<String> missingNames(Connection conn, PgScope scope) throws SQLException {
        List<String> missing = new ArrayList<>();
        for (String schema : scope.schemas()) {
            if (!exists(conn, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema)) {
                missing.add("schema " + schema);
            }
        }
        for (QualifiedName table : scope.tables()) {
            if (!exists(conn, "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ? AND c.relname = ?", table.schema(), table.table())) {
                missing.add("table " + table);
            }
        }
        return missing;
    }

    static boolean exists(Connection conn, String sql, String... parameters) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The facts of the database behind {@code conn}, read in its current transaction: exact row
     * counts of {@code tables} (or the planner's estimates), server version, size, encoding,
     * extensions and large objects.
     */
    static Facts facts(Connection conn, List<Table> tables, PostgresOptions.FactsMode mode,
                       Map<String, String> extra) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        if (mode == PostgresOptions.FactsMode.EXACT) {
            prepareCounts(conn);
        }
        for (Table table : tables) {
            rows.put(table.name().toString(), mode == PostgresOptions.FactsMode.EXACT
                    ? count(conn, table.name()) : Math.max(0, table.estimatedRows()));
        }
        return describe(conn, rows, mode, extra);
    }

    /** {@code rows} with the database's properties, read in the current transaction of {@code conn}. */
    static Facts describe(Connection conn, Map<String, Long> rows, PostgresOptions.FactsMode mode,
                          Map<String, String> extra) throws SQLException {
        Map<String, String> properties = new LinkedHashMap<>(extra);
        properties.put("row_counts", mode.name().toLowerCase(java.util.Locale.ROOT));
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT current_database(),"
                + " pg_database_size(current_database()), pg_encoding_to_char(encoding), datcollate, datctype,"
                + " (SELECT count(*) FROM pg_largeobject_metadata),"
                + " (SELECT coalesce(string_agg(extname || ' ' || extversion, ', ' ORDER BY extname), '')"
                + " FROM pg_extension), current_setting('server_version_num')"
                + " FROM pg_database WHERE datname = current_database()")) {
            rs.next();
            properties.put("database", rs.getString(1));
            properties.put("database_size", "" + rs.getLong(2));
            properties.put("encoding", rs.getString(3));
            properties.put("lc_collate", rs.getString(4));
            properties.put("lc_ctype", rs.getString(5));
            properties.put("large_objects", "" + rs.getLong(6));
            properties.put("extensions", rs.getString(7));
            properties.put("server_version_num", rs.getString(8));
        }
        return new Facts(KIND, string(conn, "SHOW server_version"), rows, properties);
    }

    /**
     * Settings for a run of {@code count(*)}s on this connection: JIT-compiling a count(*)
     * costs more than it saves (PostgreSQL 11+ has the setting). Parallel workers are welcome, as
     * no count runs while pg_dump or pg_restore does.
     */
    static void prepareCounts(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("SELECT set_config('jit', 'off', false) WHERE current_setting('jit', true) IS NOT NULL");
        }
    }

    static long count(Connection conn, QualifiedName table) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM "
                + PgNames.quote(table.schema()) + "." + PgNames.quote(table.table()))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String string(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    /** The first column of every row. */
    static List<String> strings(Connection conn, String sql) throws SQLException {
        List<String> values = new java.util.ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
