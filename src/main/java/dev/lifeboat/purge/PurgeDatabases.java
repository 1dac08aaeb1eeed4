package dev.lifeboat.purge;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.sqlcipher.SqlcipherEngine;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Turns a job's source into a database to purge. SQLite opens the file (never creating it);
 * PostgreSQL connects over JDBC with the password from {@code password-env} or PGPASSWORD. An
 * SQLCipher source is the same {@link SqliteDialect} over a connection that the SQLCipher engine
 * opens with its key, so plain and encrypted SQLite share one code path.
 */
public final class PurgeDatabases {
    private final Map<String, String> env;
    private final Engines engines;

    /** @param engines where the SQLCipher engine (its key reading and isolated driver) comes from */
    public PurgeDatabases(Map<String, String> env, Engines engines) {
        this.env = Map.copyOf(env);
        this.engines = engines;
    }

    public PurgeDatabase forSource(String spec) {
        if (spec.matches("(?i)^postgres(ql)?://.*")) {
            return postgres(spec);
        }
        if (spec.startsWith("sqlcipher:") && engines.forSpec(spec) instanceof SqlcipherEngine sqlcipher) {
            return sqlcipher(sqlcipher, spec);
        }
        if (spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !spec.startsWith("sqlite:")) {
            throw new LifeboatException(ExitCode.USAGE, "cannot purge '" + spec.replaceAll("\\?.*", "")
                    + "'; purge jobs support SQLite files, sqlcipher:PATH?key-env=VAR and postgresql:// URLs");
        }
        return sqlite(Path.of(spec.startsWith("sqlite:") ? spec.substring("sqlite:".length()) : spec));
    }

    static PurgeDatabase sqlite(Path file) {
        return new PurgeDatabase() {
            @Override
            public String location() {
                return file.toString();
            }

            @Override
            public Connection connect() throws SQLException {
                if (!Files.isRegularFile(file)) {
                    throw new SQLException("database file " + file + " does not exist");
                }
                SQLiteConfig config = new SQLiteConfig();
                config.resetOpenMode(SQLiteOpenMode.CREATE);
                config.setBusyTimeout(10_000);
                return config.createConnection("jdbc:sqlite:" + file);
            }

            @Override
            public PurgeDialect dialect() {
                return new SqliteDialect();
            }
        };
    }

    /** The spec is parsed now, so a malformed one fails before any backup or hook; the key is read on connect. */
    private static PurgeDatabase sqlcipher(SqlcipherEngine engine, String spec) {
        String location = engine.source(spec).location();
        return new PurgeDatabase() {
            @Override
            public String location() {
                return location;
            }

            @Override
            public Connection connect() throws SQLException {
                return engine.openLive(spec);
            }

            @Override
            public PurgeDialect dialect() {
                return new SqliteDialect();
            }
        };
    }

    private PurgeDatabase postgres(String spec) {
        URI uri = URI.create(spec);
        Map<String, String> query = query(uri.getRawQuery());
        String user = uri.getUserInfo() == null ? env.getOrDefault("PGUSER", "postgres") : uri.getUserInfo();
        String passwordEnv = query.getOrDefault("password-env", "PGPASSWORD");
        String jdbc = "jdbc:postgresql://" + (uri.getHost() == null ? "localhost" : uri.getHost())
                + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + (uri.getPath() == null ? "/" : uri.getPath());
        String location = "postgresql://" + user + "@" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + uri.getPath();
        return new PurgeDatabase() {
            @Override
            public String location() {
                return location;
            }

            @Override
            public Connection connect() throws SQLException {
                Properties props = new Properties();
                props.setProperty("user", user);
                String password = env.get(passwordEnv);
                if (password != null) {
                    props.setProperty("password", password);
                }
                if (query.containsKey("sslmode")) {
                    props.setProperty("sslmode", query.get("sslmode"));
                }
                props.setProperty("connectTimeout", "10");
                props.setProperty("ApplicationName", "lifeboat purge");
                return DriverManager.getConnection(jdbc, props);
            }

            @Override
            public PurgeDialect dialect() {
                return new PostgresDialect();
            }
        };
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
