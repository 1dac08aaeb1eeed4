package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.Side;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.secret.DatabaseKey;
import dev.lifeboat.secret.KeyCheck;
import dev.lifeboat.source.KeyChange;
import dev.lifeboat.source.Snapshot;
import java.time.Duration;

/**
 * Re-keys SQLCipher snapshots: the stored copy is written to scratch as it was stored (encrypted
 * with the old key), checked with the old key, then copied by VACUUM INTO a URI keyed with the
 * new key. Every file on the way is encrypted.
 */
record CipherKeyChange(CipherFiles files, CipherSettings settings, DatabaseKey oldKey, DatabaseKey newKey,
                       Duration busy) implements KeyChange {
    @Override
    public Opener opener(Facts facts) {
        String check = facts.properties().get("key_check");
        if (check == null) {
            return Opener.UNKNOWN;
        }
        if (KeyCheck.matches(check, newKey)) {
            return Opener.NEW_KEY;
        }
        return KeyCheck.matches(check, oldKey) ? Opener.OLD_KEY : Opener.NEITHER;
    }

    @Override
    public Staged stage(ScratchSpace scratch) {
        return new RekeyStaged(scratch);
    }

    private final class RekeyStaged extends CipherStagedCopy implements KeyChange.Staged {
        RekeyStaged(ScratchSpace scratch) {
            super(scratch, "rekey.sqlcipher", CipherKeyChange.this.files, CipherKeyChange.this.settings, oldKey);
        }

        @Override
        public Snapshot rekeyed(ScratchSpace scratch) {
            return CipherSnapshot.take(files, file, "the backup copy", Side.SCRATCH, settings, oldKey, newKey,
                    scratch, busy, () -> { });
        }
    }
}
