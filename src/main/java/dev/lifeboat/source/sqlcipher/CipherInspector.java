package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.secret.DatabaseKey;
import dev.lifeboat.source.Inspector;

/** Verifies an SQLCipher snapshot in scratch space, opened with the database's key. */
record CipherInspector(CipherFiles files, CipherSettings settings, DatabaseKey key) implements Inspector {
    @Override
    public Staged stage(ScratchSpace scratch) {
        return new CipherStagedCopy(scratch, "verify.sqlcipher", files, settings, key);
    }
}
