package dev.lifeboat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;

/**
 * Tells a full disk (ENOSPC, or SQLite's SQLITE_FULL, which has no extended codes) apart from other
 * I/O failures, anywhere in a cause chain.
 */
public final class NoSpace {
    private static final String ENOSPC = "No space left on device";
    private static final int SQLITE_FULL = 13;

    private NoSpace() {
    }

    public static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException fs && String.valueOf(fs.getReason()).contains(ENOSPC)
                    || t instanceof IOException && String.valueOf(t.getMessage()).contains(ENOSPC)
                    || t instanceof SQLException sql && sql.getErrorCode() == SQLITE_FULL) {
                return true;
            }
        }
        return false;
    }
}
