package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.NoSpace;
import dev.lifeboat.repository.store.ForeignObject;
import java.io.IOException;
import java.nio.file.AccessDeniedException;

/** Turns storage I/O failures into one-line causes with a fix. */
final class RepositoryErrors {
    private RepositoryErrors() {
    }

    static LifeboatException writeFailed(String location, IOException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof ForeignObject foreign) {
            return notOurs(location, foreign);
        }
        if (e instanceof AccessDeniedException) {
            return new LifeboatException(ExitCode.REPOSITORY, "cannot write to repository " + location
                    + " (permission denied); fix its permissions or choose another --repo", e);
        }
        if (NoSpace.isCause(e)) {
            return new LifeboatException(ExitCode.REPOSITORY, "repository " + location
                    + " is full (no space left on device); free space there or choose another --repo", e);
        }
        if (detail.contains("Read-only file system")) {
            return new LifeboatException(ExitCode.REPOSITORY, "repository " + location
                    + " is on a read-only file system; choose a writable --repo", e);
        }
        return new LifeboatException(ExitCode.REPOSITORY, "cannot write to repository " + location + " ("
                + detail + "); check the folder and the disk", e);
    }

    /** Something Lifeboat did not write where the repository's own layout belongs. */
    static LifeboatException notOurs(String location, ForeignObject e) {
        return new LifeboatException(ExitCode.REPOSITORY, "in repository " + location + ", " + e.getMessage()
                + "; Lifeboat will not use it; remove it (someone with write access to the repository may have"
                + " planted it)", e);
    }
}
