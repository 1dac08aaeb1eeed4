package dev.lifeboat;

/** Process exit codes; documented in the README and stable across versions. */
public enum ExitCode {
    OK(0),
    FAILURE(1),
    USAGE(2),
    SOURCE(3),
    REPOSITORY(4),
    NOT_FOUND(5),
    INTEGRITY(6),
    NOT_CONFIRMED(7),
    TARGET(8),
    LOCKED(9),
    SUSPICIOUS(10),
    /** A wrong or missing key: an identity, passphrase or database key that does not open what it must. */
    KEY(11);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The stable name of the failure in {@code --json} output: {@code not_found}, {@code integrity}, ... */
    public String kind() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
