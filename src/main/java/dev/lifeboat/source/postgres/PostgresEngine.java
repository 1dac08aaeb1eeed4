package dev.lifeboat.source.postgres;

import dev.lifeboat.source.Side;
import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engine;
import dev.lifeboat.source.EngineOption;
import dev.lifeboat.source.EngineSettings;
import dev.lifeboat.source.Inspector;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.Source;
import dev.lifeboat.LifeboatException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** PostgreSQL through pg_dump and pg_restore: {@code postgresql://user@host:port/db}. */
public final class PostgresEngine implements Engine {
    private final PostgresOptions options;
    private final Map<String, String> env;

    /** @param env the environment: PGPASSWORD, PGPASSFILE, password-env variables, PATH */
    public PostgresEngine(Map<String, String> env) {
        this(PostgresOptions.DEFAULTS, env);
    }

    private PostgresEngine(PostgresOptions options, Map<String, String> env) {
        this.options = options;
        this.env = Map.copyOf(env);
    }

    @Override
    public List<EngineOption> options() {
        return PostgresOptions.DECLARED;
    }

    @Override
    public Engine configured(EngineSettings settings) {
        return new PostgresEngine(PostgresOptions.from(settings), env);
    }

    /** The URL and the options, as {@link #sources} takes them, without connecting. */
    @Override
    public void check(String spec, EngineSettings settings) {
        PostgresOptions checked = PostgresOptions.from(settings);
        if (checked.physical()) {
            PgUrl.parse(spec);
            return;
        }
        sourceUrl(spec, checked);
    }

    @Override
    public String kind() {
        return PgCatalog.KIND;
    }

    @Override
    public boolean accepts(String spec) {
        return PgUrl.accepts(spec);
    }

    /** PGPASSWORD, and the variable of {@code password-env=} when the URL names one. */
    @Override
    public java.util.Set<String> secretVariables(String spec) {
        java.util.Set<String> names = new java.util.TreeSet<>(java.util.Set.of("PGPASSWORD"));
        try {
            java.util.Optional.ofNullable(PgUrl.parse(spec).passwordEnv()).ifPresent(names::add);
        } catch (LifeboatException | IllegalArgumentException e) {
            // a URL that does not parse is refused where it is opened
        }
        return names;
    }

    @Override
    public Source source(String spec) {
        if (options.physical()) {
            PgUrl url = PgUrl.parse(spec);
            return new PgBaseBackupSource(new PgClient(url.database().isEmpty() ? url.withDatabase("postgres") : url,
                    env, Side.SOURCE), tools(Side.SOURCE));
        }
        return new PgSource(new PgClient(PgUrl.parse(spec), env, Side.SOURCE), tools(Side.SOURCE), options);
    }

    /** With --all-databases: the server's roles and tablespaces, then every database that takes connections. */
    @Override
    public List<Source> sources(String spec) {
        if (options.physical()) {
            return List.of(source(spec));
        }
        PgUrl url = sourceUrl(spec, options);
        if (!options.allDatabases()) {
            return List.of(source(spec));
        }
        PgClient admin = new PgClient(url.withDatabase("postgres"), env, Side.SOURCE);
        List<Source> sources = new ArrayList<>(List.of(new PgGlobals(admin, tools(Side.SOURCE))));
        try (Connection conn = admin.connect(); Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
            while (rs.next()) {
                sources.add(new PgSource(admin.forDatabase(rs.getString(1)), tools(Side.SOURCE), options));
            }
        } catch (SQLException e) {
            throw PgErrors.query(admin, "list the databases", e);
        }
        return sources;
    }

    /** A source URL names one database, or none with --all-databases. */
    private static PgUrl sourceUrl(String spec, PostgresOptions options) {
        PgUrl url = PgUrl.parse(spec);
        if (options.allDatabases() && !url.database().isEmpty()) {
            throw EngineFailure.request("--all-databases backs up the whole server; leave the"
                    + " database out of the URL (postgresql://" + url.user() + "@host:port/)");
        }
        if (!options.allDatabases() && url.database().isEmpty()) {
            throw EngineFailure.request("the URL " + url.location() + " names no database;"
                    + " add /DBNAME, or back up the whole server with --all-databases");
        }
        return url;
    }

    @Override
    public java.util.Optional<dev.lifeboat.source.ServerArchiver> archiver(String spec) {
        PgUrl url = PgUrl.parse(spec);
        PgClient client = new PgClient(url, env, Side.SOURCE);
        return java.util.Optional.of(() -> PgArchiver.read(url.database().isEmpty()
                ? client.forDatabase("postgres") : client));
    }

    @Override
    public java.util.Optional<dev.lifeboat.source.Purgeable> purgeable(String spec) {
        PgUrl url = PgUrl.parse(spec);
        if (url.database().isEmpty()) {
            throw EngineFailure.request("the URL " + url.location() + " names no database to"
                    + " purge; add /DBNAME");
        }
        return java.util.Optional.of(PgPurgeable.live(new PgClient(url, env, Side.SOURCE)));
    }

    @Override
    public RestoreTarget target(String spec) {
        PgUrl url = PgUrl.parse(spec);
        if (url.database().isEmpty()) {
            throw EngineFailure.request("the URL " + url.location() + " names no"
                    + " database to restore into; add /DBNAME");
        }
        return new PgTarget(new PgClient(url, env, Side.TARGET), tools(Side.TARGET), options,
                ScratchSpace.fromEnvironment(env));
    }

    @Override
    public Inspector inspector() {
        return inspector(options.verifyServer().orElseThrow(() -> EngineFailure.request(
                "verifying a PostgreSQL backup needs a server to restore into; pass --verify-server URL")),
                java.util.Map.of());
    }

    /** Verifies on --verify-server if given, else on the server the backup was taken from. */
    @Override
    public Inspector inspector(String sourceLocation, java.util.Map<String, String> access) {
        PgUrl source = PgUrl.parse(sourceLocation);
        PgUrl server = options.verifyServer().map(PgUrl::parse).orElse(source);
        return new PgInspector(server, source.database(), env, tools(Side.TARGET), options.jobs());
    }

    private PgTools tools(Side side) {
        return new PgTools(options.pgBin(), env, side);
    }

    /** Backup names stay plain: a database name's other characters become '_'. */
    static String backupName(String database) {
        String name = database.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0)) ? "db" + name : name;
    }
}
