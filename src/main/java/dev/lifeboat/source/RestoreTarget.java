package dev.lifeboat.source;

import java.io.IOException;

/** Where a restore goes. Nothing touches the live target before {@link Staged#install()}. */
public interface RestoreTarget {
    String location();

    /** A name to look backups up by when the user gives none. */
    String defaultName();

    /** The identity a source at this place has (see {@code Source.identity()}), to find its backups by. */
    default java.util.Optional<String> identity() {
        return java.util.Optional.empty();
    }

    boolean exists() throws IOException;

    /** Refuses targets that must not be replaced (not a database of this kind, folder missing). */
    void checkReplaceable() throws IOException;

    /**
     * Refuses a backup this target cannot take in full, e.g. one of another engine, or one that
     * holds only part of a database where a whole database would be replaced.
     */
    default void checkRestorable(dev.lifeboat.manifest.Facts facts) throws IOException {
    }

    /** Opens a scratch copy beside the target for the restored snapshot to be written into. */
    Staged stage() throws IOException;

    /** A restored snapshot waiting beside the target. */
    interface Staged extends Inspector.Staged {
        /** A consistent copy of the current target, kept for rollback and for the safety backup. */
        Snapshot preserveCurrent() throws IOException;

        /**
         * Tells the copy what its source's file settings were (such as its journal mode), for
         * {@link #install} to give them back; called before it.
         */
        default void settingsOf(dev.lifeboat.manifest.Facts backedUp) {
        }

        /**
         * The staged copy for purge rules to delete rows from before it is installed, connected to
         * as the restore connects to it; empty for engines whose databases cannot be purged.
         */
        default java.util.Optional<Purgeable> purgeable() {
            return java.util.Optional.empty();
        }

        /** Puts the staged copy in place of the target, safely even while others hold it open. */
        void install() throws IOException;

        /** Puts the preserved copy back; only valid after {@link #preserveCurrent()}. */
        void rollback() throws IOException;

        /** What the user should know after a successful install, e.g. where the previous content is kept. */
        default java.util.List<String> installNotes() {
            return java.util.List.of();
        }
    }
}
