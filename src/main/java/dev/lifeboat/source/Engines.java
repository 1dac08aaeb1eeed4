package dev.lifeboat.source;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
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
        return new Engines(List.of(
                new SqliteEngine(lockWait)));
    }

    /**
     * Every engine, with what the ones that need more get: the environment (SQLCipher reads keys
     * from it), the scratch space (its driver and per-database locks live there) and a clock.
     *
     * @param backupLockWait how long a backup waits for another backup of the same database
     */
    public static Engines standard(java.time.Duration lockWait, java.time.Duration backupLockWait,
                                   java.util.Map<String, String> env, dev.lifeboat.scratch.ScratchSpace scratch,
                                   java.time.Clock clock) {
        return new Engines(List.of(
                new SqliteEngine(lockWait),
                new dev.lifeboat.source.sqlcipher.SqlcipherEngine(lockWait, backupLockWait, env, scratch, clock)));
    }

    public Engine forSpec(String spec) {
        return engines.stream().filter(e -> e.accepts(spec)).findFirst().orElseThrow(() ->
                new LifeboatException(ExitCode.USAGE, "cannot tell the database kind of '" + spec
                        + "'; use a path to an SQLite file, sqlite:PATH or sqlcipher:PATH?key-env=VAR"));
    }

    public Engine forKind(String kind) {
        return engines.stream().filter(e -> e.kind().equals(kind)).findFirst().orElseThrow(() ->
                new LifeboatException(ExitCode.USAGE, "this backup was made from a " + kind
                        + " database, which this Lifeboat cannot handle; upgrade Lifeboat"));
    }
}
