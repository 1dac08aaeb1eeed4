package dev.lifeboat.source.postgres;

import dev.lifeboat.source.Side;
import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.ChildEnvironment;
import dev.lifeboat.LifeboatException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * How Lifeboat reaches one PostgreSQL server: its own JDBC connections, and the environment of
 * the pg_dump and pg_restore it starts. The password travels only in a connection property and
 * in the children's PGPASSWORD, never in an argument.
 *
 * @param side whose server this is: SOURCE for backups, TARGET for restores; it decides what a failure is
 */
record PgClient(PgUrl url, Map<String, String> env, Side side) {
    /**
     * pgjdbc's driver, used directly: DriverManager's first connection would load and initialise
     * every JDBC driver on the class path first, SQLite's included.
     */
    private static final Driver DRIVER = new Driver();

    PgClient {
        env = Map.copyOf(env);
    }

    /** Names the server only: the environment holds secrets. */
    @Override
    public String toString() {
        return "PgClient[" + url.location() + "]";
    }

    PgClient forDatabase(String database) {
        return new PgClient(url.withDatabase(database), env, side);
    }

    Connection connect() {
        return connect(url.database());
    }

    /** Opens a connection to {@code database} on this server; failures name the cause and a fix. */
    Connection connect(String database) {
        Properties props = new Properties();
        props.setProperty("user", url.user());
        password(database).ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", "lifeboat");
        props.setProperty("connectTimeout", "15");
        String host = url.host();
        if (url.unixSocket()) {
            // As libpq: a socket file in the host folder, and no TLS over a local socket.
            props.setProperty("socketFactory", UnixSocketFactory.class.getName());
            props.setProperty("socketFactoryArg", url.host() + "/.s.PGSQL." + url.port());
            props.setProperty("sslmode", "disable");
            host = "localhost";
        } else {
            props.setProperty("sslmode", url.sslmode() == null ? "prefer" : url.sslmode());
        }
        String jdbc = "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + url.port() + "/"
                + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8);
        try {
            return DRIVER.connect(jdbc, props);
        } catch (SQLException e) {
            throw PgErrors.connect(this, database, e);
        }
    }

    /** From password-env=VAR, else PGPASSWORD, else PGPASSFILE / ~/.pgpass; empty when none. */
    Optional<String> password(String database) {
        if (url.passwordEnv() != null) {
            String value = env.get(url.passwordEnv());
            if (value == null) {
                throw EngineFailure.request("password-env=" + url.passwordEnv() + " names a variable"
                        + " that is not set; export " + url.passwordEnv() + " with the password");
            }
            return Optional.of(value);
        }
        String pgpassword = env.get("PGPASSWORD");
        if (pgpassword != null) {
            return Optional.of(pgpassword);
        }
        return PgPass.lookup(env, url, database);
    }

    /**
     * The environment of a child reaching {@code database}: what every child gets, PGPASSFILE if set,
     * and libpq's variables for this connection, with PGPASSWORD only when a password was given in
     * the environment (else libpq reads the password file itself).
     */
    ChildEnvironment childEnvironment(String database) {
        Map<String, String> pg = new HashMap<>();
        pg.put("PGHOST", url.host());
        pg.put("PGPORT", "" + url.port());
        pg.put("PGUSER", url.user());
        pg.put("PGDATABASE", database);
        pg.put("PGAPPNAME", "lifeboat");
        pg.put("PGCONNECT_TIMEOUT", "15");
        if (url.sslmode() != null) {
            pg.put("PGSSLMODE", url.sslmode());
        }
        if (url.passwordEnv() != null || env.containsKey("PGPASSWORD")) {
            password(database).ifPresent(p -> pg.put("PGPASSWORD", p));
        }
        return ChildEnvironment.from(env).inherit(List.of("PGPASSFILE")).with(pg);
    }
}
