package dev.lifeboat.source;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.postgres.PostgresEngine;
import dev.lifeboat.source.postgres.PostgresGlobalsEngine;
import dev.lifeboat.source.postgres.PostgresOptions;
import dev.lifeboat.source.sqlite.SqliteEngine;
import java.util.List;

/** Every engine Lifeboat knows; adding one is one line here. */
public final class Engines {
    private final List<Engine> engines;

    public Engines(List<Engine> engines) {
        this.engines = List.copyOf(engines);
    }

    /** @param lockWait how long to wait for locks held by other users of a live database */
    public static Engines standard(java.time.Duration lockWait) {
        return standard(lockWait, System.getenv(), PostgresOptions.DEFAULTS);
    }

    /**
     * @param env the environment engines read secrets and tool paths from
     * @param postgres the PostgreSQL engine's options from the command line
     */
    public static Engines standard(java.time.Duration lockWait, java.util.Map<String, String> env,
                                   PostgresOptions postgres) {
        return new Engines(List.of(
                new SqliteEngine(lockWait),
                new PostgresEngine(postgres, env),
                new PostgresGlobalsEngine()));
    }

    public Engine forSpec(String spec) {
        return engines.stream().filter(e -> e.accepts(spec)).findFirst().orElseThrow(() ->
                new LifeboatException(ExitCode.USAGE, "cannot tell the database kind of '" + spec
                        + "'; use a path to an SQLite file, sqlite:PATH or postgresql://user@host:port/db"));
    }

    public Engine forKind(String kind) {
        return engines.stream().filter(e -> e.kind().equals(kind)).findFirst().orElseThrow(() ->
                new LifeboatException(ExitCode.USAGE, "this backup was made from a " + kind
                        + " database, which this Lifeboat cannot handle; upgrade Lifeboat"));
    }
}
