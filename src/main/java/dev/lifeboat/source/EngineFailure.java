package dev.lifeboat.source;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;

/**
 * A failure an engine reports, by what failed rather than by exit code: engines name the kind, and
 * {@link #exitCode(Kind)} is the one place that turns a kind into the exit code the README's table
 * documents, for the command line and jobs alike.
 */
public class EngineFailure extends LifeboatException {
    /** What failed. */
    public enum Kind {
        /** The database being backed up (or read for a check) cannot be read as asked. */
        SOURCE,
        /** The place being restored into cannot take the restore. */
        TARGET,
        /** What was asked cannot be done as given: a spec, an option, a combination of them. */
        REQUEST,
        /** A database key that does not open the database. */
        KEY,
        /** A restored copy does not hold what its backup says it holds. */
        CONTENT,
        /** Lifeboat's own side: its scratch copies, its disk filling up, its bundled driver. */
        LOCAL
    }

    private final Kind kind;

    public EngineFailure(Kind kind, String message) {
        super(exitCode(kind), message);
        this.kind = kind;
    }

    public EngineFailure(Kind kind, String message, Throwable cause) {
        super(exitCode(kind), message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The exit code of each kind of engine failure. */
    public static ExitCode exitCode(Kind kind) {
        return switch (kind) {
            case SOURCE -> ExitCode.SOURCE;
            case TARGET -> ExitCode.TARGET;
            case REQUEST -> ExitCode.USAGE;
            case KEY -> ExitCode.KEY;
            case CONTENT -> ExitCode.INTEGRITY;
            case LOCAL -> ExitCode.FAILURE;
        };
    }

    public static EngineFailure source(String message) {
        return new EngineFailure(Kind.SOURCE, message);
    }

    public static EngineFailure source(String message, Throwable cause) {
        return new EngineFailure(Kind.SOURCE, message, cause);
    }

    public static EngineFailure target(String message) {
        return new EngineFailure(Kind.TARGET, message);
    }

    public static EngineFailure target(String message, Throwable cause) {
        return new EngineFailure(Kind.TARGET, message, cause);
    }

    public static EngineFailure request(String message) {
        return new EngineFailure(Kind.REQUEST, message);
    }

    public static EngineFailure request(String message, Throwable cause) {
        return new EngineFailure(Kind.REQUEST, message, cause);
    }

    public static EngineFailure key(String message) {
        return new EngineFailure(Kind.KEY, message);
    }

    public static EngineFailure key(String message, Throwable cause) {
        return new EngineFailure(Kind.KEY, message, cause);
    }

    public static EngineFailure content(String message) {
        return new EngineFailure(Kind.CONTENT, message);
    }

    public static EngineFailure content(String message, Throwable cause) {
        return new EngineFailure(Kind.CONTENT, message, cause);
    }

    public static EngineFailure local(String message) {
        return new EngineFailure(Kind.LOCAL, message);
    }

    public static EngineFailure local(String message, Throwable cause) {
        return new EngineFailure(Kind.LOCAL, message, cause);
    }
}
