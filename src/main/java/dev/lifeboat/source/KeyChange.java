package dev.lifeboat.source;

import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import java.io.IOException;

/**
 * Moving snapshots that carry the database's own encryption (SQLCipher) from an old key to a
 * new one, without a decrypted copy ever touching disk.
 */
public interface KeyChange {
    /** Which key opens a snapshot, as far as its recorded key check tells without decrypting it. */
    enum Opener { OLD_KEY, NEW_KEY, NEITHER, UNKNOWN }

    Opener opener(Facts facts);

    /** A scratch copy to write a stored snapshot into; its check opens it with the old key. */
    Staged stage(ScratchSpace scratch) throws IOException;

    interface Staged extends Inspector.Staged {
        /** After a passing check: a new snapshot, the same content encrypted under the new key. */
        Snapshot rekeyed(ScratchSpace scratch) throws IOException;
    }
}
