package dev.lifeboat.source;

import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** Materialises a plain snapshot in scratch space and checks it with the engine itself. */
public interface Inspector {
    Staged stage(ScratchSpace scratch) throws IOException;

    /**
     * The engine's checks that passed, and the facts found in the copy.
     *
     * @param structureSkipped why the structural check (such as SQLite's integrity_check) was left
     *                         out, or empty when it ran
     */
    record Inspection(List<String> checks, Facts facts, java.util.Optional<String> structureSkipped) {
        public Inspection {
            checks = List.copyOf(checks);
        }

        /** An inspection that ran every check. */
        public Inspection(List<String> checks, Facts facts) {
            this(checks, facts, java.util.Optional.empty());
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

        /**
         * {@link #check()}, except that an engine may leave out its structural check (the facts are
         * still read and compared) because {@code proven} says it already passed on these exact
         * bytes, e.g. {@code verified 2026-12-01 02:00:00Z}. Engines with one inseparable check run it.
         */
        default Inspection check(String proven) throws IOException {
            return check();
        }

        @Override
        void close();
    }
}
