package dev.lifeboat.source;

/** One database engine: how to read a source, inspect a snapshot and restore into a target. */
public interface Engine {
    /** The kind recorded in manifests, e.g. {@code sqlite}. */
    String kind();

    /** True when a SOURCE/TARGET argument names this engine. */
    boolean accepts(String spec);

    Source source(String spec);

    /**
     * Every source a SOURCE argument stands for: one, unless the engine was told to back up a
     * whole server (PostgreSQL's --all-databases), which gives one per database and more.
     */
    default java.util.List<Source> sources(String spec) {
        return java.util.List.of(source(spec));
    }

    /**
     * The source recorded as {@code location} in a manifest, with parts replaced by {@code access}
     * (e.g. a new {@code key-env=VAR}), as {@link #inspector(String, java.util.Map)} opens it.
     */
    default Source source(String location, java.util.Map<String, String> access) {
        return source(location);
    }

    RestoreTarget target(String spec);

    Inspector inspector();

    /**
     * An inspector for snapshots of the source recorded as {@code location} (what
     * {@link Source#location()} said), for engines that need more than the snapshot to open it,
     * such as SQLCipher's key. {@code access} replaces parts of it, e.g. {@code key-env=VAR}.
     */
    default Inspector inspector(String location, java.util.Map<String, String> access) {
        return inspector();
    }

    /**
     * The options this engine takes, declared once for the command line, the config file and
     * {@code config check}; empty for engines without any.
     */
    default java.util.List<EngineOption> options() {
        return java.util.List.of();
    }

    /**
     * This engine with one run's option values, for the options it declares (it ignores the
     * rest); throws a usage {@code LifeboatException} when a value or a combination is refused.
     */
    default Engine configured(EngineSettings settings) {
        return this;
    }

    /**
     * Everything about a SOURCE argument and its options that can be checked without connecting
     * or reading it, for {@code config check}; throws a usage {@code LifeboatException} for what
     * {@link #sources} would refuse.
     */
    default void check(String spec, EngineSettings settings) {
        configured(settings);
    }

    /**
     * The environment variables a source or target {@code spec} of this engine reads secrets from
     * (passwords, keys), which hooks must never be handed; never throws, even for a spec
     * {@link #source} would refuse. Empty for engines that read none.
     */
    default java.util.Set<String> secretVariables(String spec) {
        return java.util.Set.of();
    }

    /**
     * The live database of a SOURCE argument for purge rules, connected to exactly as a backup of
     * it connects; empty for engines whose databases cannot be purged. Parses the argument now (a
     * bad one fails before any work); connects only when asked.
     */
    default java.util.Optional<Purgeable> purgeable(String spec) {
        return java.util.Optional.empty();
    }

    /**
     * The archiver of a SOURCE argument's server, for a physical job's WAL alarm; empty for engines
     * without WAL archiving. Parses the argument now; connects only when read.
     */
    default java.util.Optional<ServerArchiver> archiver(String spec) {
        return java.util.Optional.empty();
    }

    /** Re-encrypting snapshots under a new database key; empty for engines without one. */
    default java.util.Optional<KeyChange> keyChange(String location, java.util.Map<String, String> oldKey,
                                                    java.util.Map<String, String> newKey) {
        return java.util.Optional.empty();
    }
}
