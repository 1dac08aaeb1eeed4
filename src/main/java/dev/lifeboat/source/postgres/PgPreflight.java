package dev.lifeboat.source.postgres;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.postgres.PgCatalog.Role;
import dev.lifeboat.source.postgres.PgCatalog.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The checks a backup passes before any data moves, each failing with the cause and the fix.
 * Reachability, credentials and the database's existence are proven by connecting; the tool
 * versions by {@link PgTools}; here: the scope's names, row-level security and privileges.
 */
final class PgPreflight {
    private PgPreflight() {
    }

    static void check(PgClient client, Connection conn, PgScope scope) throws SQLException {
        String database = client.url().database();
        List<String> missing = PgCatalog.missingNames(conn, scope);
        if (!missing.isEmpty()) {
            throw client.side().failure("database " + database + " has no " + String.join(", no ",
                    missing) + "; check --schema and --table (names are exact and case-sensitive)");
        }
        Role role = PgCatalog.role(conn);
        List<Table> tables = PgCatalog.tables(conn, scope);
        if (!role.superuser() && !role.bypassRls()) {
            List<String> hidden = tables.stream().filter(Table::rowSecurityApplies).map(t -> t.name().toString())
                    .toList();
            if (!hidden.isEmpty()) {
                throw client.side().failure("role " + role.name() + " would not see every row of "
                        + hidden.size() + " table(s) with row-level security: " + names(hidden) + "; as a superuser"
                        + " run ALTER ROLE " + PgNames.quote(role.name()) + " BYPASSRLS; (or back up as a dedicated"
                        + " backup role that has BYPASSRLS)");
            }
        }
        List<String> unreadable = tables.stream().filter(t -> !t.readable()).map(t -> t.name().toString()).toList();
        if (!unreadable.isEmpty()) {
            throw client.side().failure("role " + role.name() + " may not read " + unreadable.size()
                    + " table(s): " + names(unreadable) + "; GRANT pg_read_all_data TO " + PgNames.quote(role.name())
                    + " (or GRANT SELECT on them), or back up as the owner or a dedicated backup role");
        }
    }

    private static String names(List<String> names) {
        int shown = Math.min(10, names.size());
        return String.join(", ", names.subList(0, shown)) + (names.size() > shown ? " and "
                + (names.size() - shown) + " more" : "");
    }
}
