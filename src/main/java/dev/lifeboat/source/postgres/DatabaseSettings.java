package dev.lifeboat.source.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What belongs to a database rather than to its content: privileges on the database itself
 * (e.g. CONNECT revoked from PUBLIC) and ALTER DATABASE … SET settings. A custom archive applies
 * these only when pg_restore creates the database under its old name, so a restore that swaps
 * databases copies them from the database it replaces.
 */
final class DatabaseSettings {
    private DatabaseSettings() {
    }

    /** Gives {@code to} the database privileges and settings of {@code from}. */
    static void copy(Connection conn, String from, String to) throws SQLException {
        List<String> statements = new ArrayList<>();
        try (PreparedStatement st = conn.prepareStatement("SELECT datacl::text[] FROM pg_database WHERE datname = ?")) {
            st.setString(1, from);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next() && rs.getArray(1) != null) {
                    statements.add("REVOKE ALL ON DATABASE " + PgNames.quote(to) + " FROM PUBLIC");
                    for (String item : (String[]) rs.getArray(1).getArray()) {
                        statements.addAll(grants(item, to));
                    }
                }
            }
        }
        try (PreparedStatement st = conn.prepareStatement("SELECT r.rolname, unnest(s.setconfig)"
                + " FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
                + " LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE d.datname = ?")) {
            st.setString(1, from);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    statements.add(setting(rs.getString(1), rs.getString(2), to));
                }
            }
        }
        try (Statement st = conn.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /** {@code grantee=CTc*&#47;grantor}: C create, T temporary, c connect; '*' marks the grant option. */
    private static List<String> grants(String aclItem, String database) {
        int eq = aclItem.lastIndexOf('=');
        String grantee = aclItem.substring(0, eq);
        String privileges = aclItem.substring(eq + 1, aclItem.indexOf('/', eq));
        String to = grantee.isEmpty() ? "PUBLIC" : grantee;
        List<String> grants = new ArrayList<>();
        for (int i = 0; i < privileges.length(); i++) {
            String privilege = switch (privileges.charAt(i)) {
                case 'C' -> "CREATE";
                case 'T' -> "TEMPORARY";
                case 'c' -> "CONNECT";
                default -> null;
            };
            boolean withGrant = i + 1 < privileges.length() && privileges.charAt(i + 1) == '*';
            if (privilege != null) {
                grants.add("GRANT " + privilege + " ON DATABASE " + PgNames.quote(database) + " TO " + to
                        + (withGrant ? " WITH GRANT OPTION" : ""));
            }
        }
        return grants;
    }

    /**
     * {@code name=value} as stored: a list (it has a comma) is already in SQL list syntax, with
     * its elements quoted where needed; anything else is one value and becomes a literal.
     */
    private static String setting(String role, String config, String database) {
        int eq = config.indexOf('=');
        String name = config.substring(0, eq);
        String value = config.substring(eq + 1);
        String sqlValue = value.contains(",") ? value : PgNames.literal(value);
        String target = role == null ? "ALTER DATABASE " + PgNames.quote(database)
                : "ALTER ROLE " + PgNames.quote(role) + " IN DATABASE " + PgNames.quote(database);
        return target + " SET " + PgNames.quote(name) + " TO " + sqlValue;
    }
}
