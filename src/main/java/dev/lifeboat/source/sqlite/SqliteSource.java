package dev.lifeboat.source.sqlite;

import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.ScratchFileSnapshot;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;
import java.nio.file.Path;

/** A plain SQLite database file, WAL mode included. */
final class SqliteSource implements Source {
    private final Path file;
    private final LockBudget budget;

    SqliteSource(Path file, LockBudget budget) {
        this.file = file.toAbsolutePath().normalize();
        this.budget = budget;
    }

    @Override
    public String kind() {
        return SqliteEngine.KIND;
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
    public String identity() {
        return dev.lifeboat.source.Canonical.fileIdentity(kind(), file);
    }

    @Override
    public boolean snapshotIsEncrypted() {
        return false;
    }

    @Override
    public void preflight() {
        SqliteFiles.requireSqliteFile(file, "database");
    }

    @Override
    public Snapshot snapshot(ScratchSpace scratch) {
        return SqliteSnapshot.take(file, scratch, budget, ScratchFileSnapshot.AfterReading.FREE);
    }
}
