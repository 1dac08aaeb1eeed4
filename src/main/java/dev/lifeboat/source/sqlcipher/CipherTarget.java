package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.Side;
import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.secret.DatabaseKey;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.ScratchFileSnapshot;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.sqlite.JournalModes;
import dev.lifeboat.source.sqlite.SqliteFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Restores into an SQLCipher file through the same safe path as plain SQLite: a checked copy
 * beside the target (encrypted, as stored), a preserved copy of the current content (encrypted),
 * and installation through SQLite's backup API into the live, keyed target.
 */
final class CipherTarget implements RestoreTarget {
    private final SqlcipherSpec spec;
    private final CipherFiles files;
    private final DatabaseKey key;
    private final Duration busy;

    CipherTarget(SqlcipherSpec spec, CipherFiles files, DatabaseKey key, Duration busy) {
        this.spec = spec;
        this.files = files;
        this.key = key;
        this.busy = busy;
    }

    @Override
    public String location() {
        return spec.location();
    }

    @Override
    public String defaultName() {
        return SqlcipherEngine.baseName(spec.file());
    }

    @Override
    public java.util.Optional<String> identity() {
        return java.util.Optional.of(dev.lifeboat.source.Canonical.fileIdentity(SqlcipherEngine.KIND, spec.file()));
    }

    @Override
    public boolean exists() {
        return Files.exists(spec.file());
    }

    @Override
    public void checkReplaceable() {
        Path dir = spec.file().getParent();
        if (!Files.isDirectory(dir)) {
            throw EngineFailure.target("the folder " + dir + " of the restore target does not"
                    + " exist; create it first");
        }
        if (!Files.isWritable(dir)) {
            throw EngineFailure.target("cannot write in " + dir + " (permission denied);"
                    + " restore as a user who can, or choose another --to");
        }
        if (exists()) {
            CipherFiles.requireFile(spec.file(), "restore target", Side.TARGET);
            try (Connection conn = CipherSnapshot.open(files, spec.file(), "the restore target", Side.TARGET,
                    spec.settings(), key, CipherFiles.Access.READ_ONLY, busy)) {
                conn.isValid(1);
            } catch (SQLException e) {
                throw CipherFiles.failure("open", spec.file(), e, key, busy, Side.TARGET);
            }
        }
    }

    @Override
    public Staged stage() {
        ScratchSpace beside = ScratchSpace.besideTarget(spec.file().getParent());
        beside.removeLeftovers();
        return new CipherStaged(beside);
    }

    private final class CipherStaged extends CipherStagedCopy implements RestoreTarget.Staged {
        private final ScratchSpace beside;
        private ScratchFileSnapshot previous;
        private boolean createdTarget;
        private boolean untouched;
        private java.util.Optional<Boolean> wal = java.util.Optional.empty();
        /** The target's own mode, read by the install, for a rollback to give back. */
        private java.util.Optional<Boolean> targetWasWal = java.util.Optional.empty();
        private final java.util.List<String> notes = new java.util.ArrayList<>();

        CipherStaged(ScratchSpace beside) {
            super(beside, "restore-" + spec.file().getFileName(), CipherTarget.this.files, spec.settings(),
                    CipherTarget.this.key);
            this.beside = beside;
        }

        @Override
        protected long alsoNeeded(long plainSize) {
            return Files.exists(spec.file()) ? forReplacing(spec.file(), plainSize) : 0;
        }

        @Override
        public Snapshot preserveCurrent() {
            previous = CipherSnapshot.take(files, spec.file(), "the restore target", Side.TARGET, settings, key,
                    key, beside, busy, () -> { });
            return previous;
        }

        @Override
        public void settingsOf(dev.lifeboat.manifest.Facts backedUp) {
            wal = JournalModes.sourceWasWal(backedUp);
        }

        @Override
        public java.util.Optional<dev.lifeboat.source.Purgeable> purgeable() {
            return java.util.Optional.of(new dev.lifeboat.source.sqlite.SqlitePurgeable(SqlcipherEngine.KIND, file,
                    "the staged copy of " + spec.file(), () -> CipherSnapshot.open(files, file, "the staged copy",
                    Side.TARGET, settings, key, CipherFiles.Access.READ_WRITE, busy)));
        }

        @Override
        public java.util.List<String> installNotes() {
            return java.util.List.copyOf(notes);
        }

        @Override
        public void install() throws IOException {
            Path target = spec.file();
            if (Files.exists(target)) {
                untouched = !replace(file, wal);
                if (untouched) {
                    throw dev.lifeboat.source.TargetUnchanged.notReplaced(target, file, busy.toSeconds() + " s");
                }
                return;
            }
            if (wal.orElse(false)) {
                try (Connection conn = files.open(file, settings, key, CipherFiles.Access.READ_WRITE, busy)) {
                    JournalModes.switchTo(conn, true);
                } catch (SQLException e) {
                    throw CipherFiles.failure("prepare", file, e, key, busy, Side.TARGET);
                }
            }
            ScratchSpace.delete(target);
            // link(2) fails if a file appeared meanwhile, where a rename would silently replace it.
            Files.createLink(target, file);
            createdTarget = true;
            Files.delete(file);
            DurableFiles.syncDirectory(target.getParent());
        }

        @Override
        public void rollback() throws IOException {
            if (createdTarget) {
                Files.deleteIfExists(spec.file());
                return;
            }
            if (untouched) {
                return;
            }
            if (previous == null) {
                throw new IllegalStateException("rollback without a preserved copy");
            }
            if (!replace(previous.file(), targetWasWal)) {
                throw EngineFailure.target("another connection kept " + spec.file() + " locked");
            }
        }

        /**
         * Copies {@code content} into the live target in one write transaction with the backup API,
         * both sides keyed; false if it never happened. sqlite3_backup_finish reports success even
         * when every step was BUSY (and rolls back what it began), so completion is read from the
         * schema cookie, which a finished copy sets to the old one plus one.
         */
        private boolean replace(Path content, java.util.Optional<Boolean> wantWal) {
            Path target = spec.file();
            try (Connection conn = files.open(target, settings, key, CipherFiles.Access.READ_WRITE, busy);
                 Statement st = conn.createStatement()) {
                boolean wal = JournalModes.isWal(conn);
                if (targetWasWal.isEmpty()) {
                    targetWasWal = java.util.Optional.of(wal);
                }
                long before = SqliteFacts.longValue(conn, "PRAGMA schema_version");
                st.executeUpdate("restore from " + CipherFiles.literal(CipherFiles.keyedUri(content, settings, key)));
                if (SqliteFacts.longValue(conn, "PRAGMA schema_version") != before + 1) {
                    return false;
                }
                if (wal) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
                if (wantWal.isPresent() && wantWal.get() != wal && !JournalModes.switchTo(conn, wantWal.get())) {
                    notes.add(JournalModes.notSwitched(target, wantWal.get()));
                }
                return true;
            } catch (SQLException e) {
                throw CipherFiles.failure("replace", target, e, key, busy, Side.TARGET);
            }
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
