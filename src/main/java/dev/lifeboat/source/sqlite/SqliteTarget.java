package dev.lifeboat.source.sqlite;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.ScratchFileSnapshot;
import dev.lifeboat.source.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sqlite.SQLiteConnection;

/** Restores into an SQLite file; scratch copies live beside it, on the same file system. */
final class SqliteTarget implements RestoreTarget {
    private final Path file;
    private final LockBudget budget;

    SqliteTarget(Path file, LockBudget budget) {
        this.file = file.toAbsolutePath().normalize();
        this.budget = budget;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public String defaultName() {
        return SqliteEngine.baseName(file);
    }

    @Override
    public java.util.Optional<String> identity() {
        return java.util.Optional.of(dev.lifeboat.source.Canonical.fileIdentity(SqliteEngine.KIND, file));
    }

    @Override
    public boolean exists() {
        return Files.exists(file);
    }

    @Override
    public void checkReplaceable() {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            throw EngineFailure.target("the folder " + dir + " of the restore target does not"
                    + " exist; create it first");
        }
        if (!Files.isWritable(dir)) {
            throw EngineFailure.target("cannot write in " + dir + " (permission denied);"
                    + " restore as a user who can, or choose another --to");
        }
        if (exists()) {
            try {
                SqliteFiles.requireSqliteFile(file, "restore target");
            } catch (LifeboatException e) {
                throw EngineFailure.target(e.getMessage().replace("; check the path", "")
                        + "; refusing to replace it", e);
            }
        }
    }

    @Override
    public Staged stage() {
        ScratchSpace beside = ScratchSpace.besideTarget(file.getParent());
        beside.removeLeftovers();
        return new SqliteStaged(file, beside, budget);
    }

    /** A checked copy beside the target, installed with the backup API or an atomic link. */
    private static final class SqliteStaged extends StagedCopy implements RestoreTarget.Staged {
        private final Path target;
        private final ScratchSpace beside;
        private final LockBudget budget;
        private ScratchFileSnapshot previous;
        private boolean createdTarget;
        private java.util.Optional<Boolean> wal = java.util.Optional.empty();
        private boolean targetWasWal;
        private final java.util.List<String> notes = new java.util.ArrayList<>();

        SqliteStaged(Path target, ScratchSpace beside, LockBudget budget) {
            super(beside, "restore-" + target.getFileName());
            this.target = target;
            this.beside = beside;
            this.budget = budget;
        }

        @Override
        protected long alsoNeeded(long plainSize) {
            return Files.exists(target) ? forReplacing(target, plainSize) : 0;
        }

        @Override
        public Snapshot preserveCurrent() throws IOException {
            targetWasWal = SqliteFiles.journalMode(target).equals("wal");
            previous = SqliteSnapshot.take(target, beside, budget, ScratchFileSnapshot.AfterReading.KEEP);
            return previous;
        }

        @Override
        public void settingsOf(dev.lifeboat.manifest.Facts backedUp) {
            wal = JournalModes.sourceWasWal(backedUp);
        }

        @Override
        public void install() throws IOException {
            if (Files.exists(target)) {
                notes.addAll(SqliteReplacer.replace(target, file, budget, wal));
                return;
            }
            if (wal.orElse(false)) {
                intoWal(file);
            }
            ScratchSpace.delete(target);
            // link(2) fails if a file appeared meanwhile, where a rename would silently replace it.
            Files.createLink(target, file);
            createdTarget = true;
            Files.delete(file);
            dev.lifeboat.repository.DurableFiles.syncDirectory(target.getParent());
        }

        /** The header of a new file says WAL before it appears under the target's name. */
        private static void intoWal(Path staged) {
            try (SQLiteConnection conn = SqliteFiles.open(staged, SqliteFiles.Access.READ_WRITE)) {
                JournalModes.switchTo(conn, true);
            } catch (java.sql.SQLException e) {
                throw SqliteFiles.failure("prepare", staged, e, LockBudget.SCRATCH);
            }
        }

        @Override
        public java.util.Optional<dev.lifeboat.source.Purgeable> purgeable() {
            return java.util.Optional.of(new SqlitePurgeable(SqliteEngine.KIND, file, "the staged copy of " + target,
                    () -> SqliteFiles.open(file, SqliteFiles.Access.READ_WRITE)));
        }

        @Override
        public java.util.List<String> installNotes() {
            return java.util.List.copyOf(notes);
        }

        @Override
        public void rollback() throws IOException {
            if (createdTarget) {
                Files.deleteIfExists(target);
                return;
            }
            if (previous == null) {
                throw new IllegalStateException("rollback without a preserved copy");
            }
            SqliteReplacer.replace(target, previous.file(), budget, java.util.Optional.of(targetWasWal));
        }

        @Override
        public void close() {
            super.close();
            if (previous != null) {
                previous.close();
            }
        }
    }
}
