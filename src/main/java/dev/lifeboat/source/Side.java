package dev.lifeboat.source;

/**
 * Whose database an engine's connection or file works on, which decides what its failures are:
 * the source of a backup, the target of a restore, or a copy in Lifeboat's own scratch space.
 */
public enum Side {
    SOURCE(EngineFailure.Kind.SOURCE),
    TARGET(EngineFailure.Kind.TARGET),
    SCRATCH(EngineFailure.Kind.LOCAL);

    private final EngineFailure.Kind kind;

    Side(EngineFailure.Kind kind) {
        this.kind = kind;
    }

    public EngineFailure failure(String message) {
        return new EngineFailure(kind, message);
    }

    public EngineFailure failure(String message, Throwable cause) {
        return new EngineFailure(kind, message, cause);
    }
}
