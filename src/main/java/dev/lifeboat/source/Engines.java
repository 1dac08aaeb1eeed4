package dev.lifeboat.source;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.postgres.PostgresEngine;
import dev.lifeboat.source.postgres.PostgresGlobalsEngine;
import dev.lifeboat.source.sqlcipher.SqlcipherEngine;
import dev.lifeboat.source.sqlite.SqliteEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
                java.time.Clock.systemUTC());
    }

    /**
     * @param lockWait how long to wait for locks held by other users of a live database
     * @param backupLockWait how long a backup waits for another backup of the same database
     * @param env where keys and passwords named by sources come from
     */
    public static Engines standard(java.time.Duration lockWait, java.time.Duration backupLockWait,
                                   java.util.Map<String, String> env, dev.lifeboat.scratch.ScratchSpace scratch,
                                   java.time.Clock clock) {
        return new Engines(List.of(
                new SqliteEngine(lockWait),
                new SqlcipherEngine(lockWait, backupLockWait, env, scratch, clock),
                new PostgresEngine(env),
                new PostgresGlobalsEngine(),
                new dev.lifeboat.source.postgres.PostgresPhysicalEngine(env)));
    }

    public Engine forSpec(String spec) {
        return engines.stream().filter(e -> e.accepts(spec)).findFirst().orElseThrow(() ->
                EngineFailure.request("cannot tell the database kind of '" + spec
                        + "'; use a path to an SQLite file, sqlite:PATH, sqlcipher:PATH?key-env=VAR or"
                        + " postgresql://user@host:port/db"));
    }

    /**
     * The engine for {@code spec}, configured with one run's option values; an option that engine
     * does not take is refused rather than ignored.
     */
    public Engine forSpec(String spec, EngineSettings settings) {
        Engine engine = forSpec(spec);
        for (String name : settings.names()) {
            if (engine.options().stream().noneMatch(o -> o.name().equals(name))) {
                throw EngineFailure.request("--" + name + " does not apply to " + engine.kind()
                        + " databases" + kindTaking(name).map(k -> " (it is a " + k + " option)").orElse(""));
            }
        }
        return engine.configured(settings);
    }

    /**
     * Every engine configured with {@code settings}, each taking the options it declares, for work
     * whose engine is known only per backup (verifying a whole repository).
     */
    public Engines configured(EngineSettings settings) {
        List<Engine> configured = new ArrayList<>();
        for (Engine engine : engines) {
            configured.add(engine.configured(settings));
        }
        return new Engines(configured);
    }

    /** The options of every engine that {@code operation} takes, each name once, for the command line. */
    public List<EngineOption> options(EngineOption.Operation operation) {
        Map<String, EngineOption> options = new LinkedHashMap<>();
        for (Engine engine : engines) {
            engine.options().stream().filter(o -> o.takes(operation)).forEach(o -> options.putIfAbsent(o.name(), o));
        }
        return List.copyOf(options.values());
    }

    /** The kind of the first engine that declares an option of this name. */
    public Optional<String> kindTaking(String option) {
        return engines.stream().filter(e -> e.options().stream().anyMatch(o -> o.name().equals(option)))
                .map(Engine::kind).findFirst();
    }

    /** What the engine of {@code spec} declares as its secret variables; none when no engine takes it. */
    public java.util.Set<String> secretVariables(String spec) {
        return engines.stream().filter(e -> e.accepts(spec)).findFirst().map(e -> e.secretVariables(spec))
                .orElse(java.util.Set.of());
    }

    public Engine forKind(String kind) {
        return engines.stream().filter(e -> e.kind().equals(kind)).findFirst().orElseThrow(() ->
                EngineFailure.request("this backup was made from a " + kind
                        + " database, which this Lifeboat cannot handle; upgrade Lifeboat"));
    }
}
