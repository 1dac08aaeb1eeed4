package dev.lifeboat.source;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.postgres.PostgresEngine;
import dev.lifeboat.source.postgres.PostgresGlobalsEngine;
import dev.lifeboat.source.postgres.PostgresOptions;
import dev.lifeboat.source.sqlcipher.SqlcipherEngine;
import dev.lifeboat.source.sqlite.SqliteEngine;
import java.util.List;

/** Every engine Lifeboat knows; adding one is one line here. */
public final class Engines {
    private final List<Engine> engines;

    public Engines(List<Engine> engines) {
        this.engines = List.copyOf(engines);
    }

    /** For callers with default settings, such as tests: the environment of this process. */
    public static Engines standard(java.time.Duration lockWait) {
        java.util.Map<String, String> env = System.getenv();
        return standard(lockWait, java.time.Duration.ZERO, env, dev.lifeboat.scratch.ScratchSpace.fromEnvironment(env),
                java.time.Clock.systemUTC(), PostgresOptions.DEFAULTS);
    }

    /**
     * @param lockWait how long to wait for locks held by other users of a live database
     * @param backupLockWait how long a backup waits for another backup of the same database
     * @param env where keys and passwords named by sources come from
     */
    public static Engines standard(java.time.Duration lockWait, java.time.Duration backupLockWait,
                                   java.util.Map<String, String> env, dev.lifeboat.scratch.ScratchSpace scratch,
                                   java.time.Clock clock, PostgresOptions postgres) {
        return new Engines(List.of(
                new SqliteEngine(lockWait),
                new SqlcipherEngine(lockWait, backupLockWait, env, scratch, clock),
                new PostgresEngine(postgres, env),
                new PostgresGlobalsEngine()));
    }

    public Engine forSpec(String spec) {
        return engines.stream().filter(e -> e.accepts(spec)).findFirst().orElseThrow(() ->
                new LifeboatException(ExitCode.USAGE, "cannot tell the database kind of '" + spec
                        + "'; use a path to an SQLite file, sqlite:PATH, sqlcipher:PATH?key-env=VAR or"
                        + " postgresql://user@host:port/db"));
    }

    public Engine forKind(String kind) {
        return engines.stream().filter(e -> e.kind().equals(kind)).findFirst().orElseThrow(() ->
                new LifeboatException(ExitCode.USAGE, "this backup was made from a " + kind
                        + " database, which this Lifeboat cannot handle; upgrade Lifeboat"));
    }
}
