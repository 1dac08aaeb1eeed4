package dev.lifeboat.source.postgres;

import dev.lifeboat.LifeboatException;
import java.sql.SQLException;

/** PostgreSQL's errors as one line with a cause and a fix. Messages never carry the password. */
final class PgErrors {
    private PgErrors() {
    }

    static LifeboatException connect(PgClient client, String database, SQLException e) {
        PgUrl url = client.url();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = firstLine(e.getMessage());
        String text;
        if (state.equals("28P01")) {
            text = "password authentication failed for user " + url.user() + " at " + url.server() + "; check the"
                    + " password in " + passwordSource(client) + " (or ~/.pgpass)";
        } else if (state.equals("3D000")) {
            text = "database " + database + " does not exist on " + url.server() + "; check the name in the URL"
                    + " (psql -l lists the databases)";
        } else if (state.startsWith("28")) {
            text = "PostgreSQL at " + url.server() + " refused user " + url.user() + " (" + message + "); check the"
                    + " user name and pg_hba.conf";
        } else if (state.equals("57P03")) {
            text = "PostgreSQL at " + url.server() + " is starting up or shutting down; retry in a moment";
        } else if (state.startsWith("08") || state.isEmpty()) {
            text = "cannot reach PostgreSQL at " + url.server() + " (" + message + "); start the server or check"
                    + " host and port in the URL";
        } else {
            text = "cannot connect to database " + database + " at " + url.server() + " (" + message + ")"
                    + "; check the URL and the server log";
        }
        return client.side().failure(text, e);
    }

    private static String passwordSource(PgClient client) {
        return client.url().passwordEnv() != null ? "the variable " + client.url().passwordEnv() : "PGPASSWORD";
    }

    /** A failed query during {@code doing}, e.g. "count the rows of the snapshot". */
    static LifeboatException query(PgClient client, String doing, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String fix = switch (state) {
            case "42501" -> "grant the role " + client.url().user() + " the privilege (e.g. GRANT pg_read_all_data"
                    + " TO " + client.url().user() + "), or use a dedicated backup role";
            case "57P01", "57P02", "57P03", "08006", "08003" -> "the server went away; retry when it is up";
            default -> "check the server log";
        };
        return client.side().failure("cannot " + doing + " on " + client.url().server() + " ("
                + firstLine(e.getMessage()) + "); " + fix, e);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
