package dev.lifeboat.source;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Archived WAL files of the cluster a base backup came from, for an inspector that must replay
 * them to bring a copy to consistency; the verifier hands one over, engines never see the repository.
 */
@FunctionalInterface
public interface ArchivedWal {
    /** Writes the archived file {@code name} to {@code destination}; false when it was never archived. */
    boolean fetch(String name, Path destination) throws IOException;
}
