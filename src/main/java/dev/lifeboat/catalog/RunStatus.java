package dev.lifeboat.catalog;

/**
 * How a run ended, and the state of a backup in the index. The names are what the catalog
 * stores, so existing catalogs read unchanged; never rename one.
 */
public enum RunStatus {
    RUNNING, COMPLETED, VERIFIED, FAILED, SUSPICIOUS, SKIPPED;

    /** A status as the catalog stores it. */
    static RunStatus stored(String text) {
        for (RunStatus status : values()) {
            if (status.name().equals(text)) {
                return status;
            }
        }
        throw new dev.lifeboat.LifeboatException(dev.lifeboat.ExitCode.FAILURE, "the catalog holds the unknown run"
                + " status '" + text + "' (written by a newer Lifeboat?); recreate it with 'lifeboat catalog rebuild'");
    }
}
