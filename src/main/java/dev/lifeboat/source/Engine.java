package dev.lifeboat.source;

/** One database engine: how to read a source, inspect a snapshot and restore into a target. */
public interface Engine {
    /** The kind recorded in manifests, e.g. {@code sqlite}. */
    String kind();

    /** True when a SOURCE/TARGET argument names this engine. */
    boolean accepts(String spec);

    Source source(String spec);

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
