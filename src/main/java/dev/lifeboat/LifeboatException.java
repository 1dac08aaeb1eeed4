package dev.lifeboat;

/**
 * A failure the user can act on. The message is one line naming the cause and the fix;
 * it never contains secret material.
 */
public class LifeboatException extends RuntimeException {
    private final ExitCode exitCode;

    public LifeboatException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public LifeboatException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public static LifeboatException integrity(String message) {
        return new LifeboatException(ExitCode.INTEGRITY, message);
    }
}
