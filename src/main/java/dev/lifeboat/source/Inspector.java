package dev.lifeboat.source;

import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** Materialises a plain snapshot in scratch space and checks it with the engine itself. */
public interface Inspector {
    Staged stage(ScratchSpace scratch) throws IOException;

    /** The engine's checks that passed, and the facts found in the copy. */
    record Inspection(List<String> checks, Facts facts) {
        public Inspection {
            checks = List.copyOf(checks);
        }
    }

    /** A scratch copy being written and then checked. Closing it removes every scratch file. */
    interface Staged extends AutoCloseable {
        /**
         * Fails before anything is written when the copy of backup {@code backupId}, {@code plainSize}
         * bytes as stored, cannot fit where it goes; a full disk later still fails the same way.
         */
        default void requireSpace(String backupId, long plainSize) throws IOException {
        }

        OutputStream output() throws IOException;

        /** The archived WAL a physical copy replays before it is checked; other copies need none. */
        default void useArchivedWal(ArchivedWal wal) {
        }

        /** Runs the engine's checks on the complete copy; a damaged copy is an integrity failure. */
        Inspection check() throws IOException;

        @Override
        void close();
    }
}
