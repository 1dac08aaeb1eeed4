package dev.lifeboat.source.sqlite;

import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Inspector;

/** Verifies an SQLite snapshot in scratch space. */
final class SqliteInspector implements Inspector {
    @Override
    public Staged stage(ScratchSpace scratch) {
        return new StagedCopy(scratch, "verify.sqlite");
    }
}
