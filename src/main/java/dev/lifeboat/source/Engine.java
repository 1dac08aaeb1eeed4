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

    RestoreTarget target(String spec);

    Inspector inspector();

    /**
     * The inspector for a backup taken from {@code sourceLocation} (as its manifest records it);
     * a server engine verifies on that server unless told otherwise.
     */
    default Inspector inspector(String sourceLocation) {
        return inspector();
    }
}
