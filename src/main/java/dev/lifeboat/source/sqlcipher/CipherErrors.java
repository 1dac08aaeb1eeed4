package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.Side;
import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.secret.DatabaseKey;
import java.nio.file.Path;

/** The failures that only SQLCipher has: a key that does not open a file, a file that is not encrypted. */
final class CipherErrors {
    private CipherErrors() {
    }

    /**
     * SQLITE_NOTADB after keying: says which key and settings were tried, and tells a plain
     * SQLite file apart, never just "file is not a database".
     */
    static LifeboatException keyDoesNotOpen(CipherFiles files, Path file, String role, DatabaseKey key,
                                            CipherSettings settings, Side side, String fix) {
        if (files.isPlainSqlite(file)) {
            return side.failure(role + " " + file + " is a plain SQLite database, not"
                    + " SQLCipher-encrypted; use sqlite:" + file + " for it");
        }
        return EngineFailure.key("the key from " + key.origin() + " does not open " + role + " " + file
                + " with the SQLCipher settings " + settings.describe() + " (or it is not an SQLCipher database); "
                + fix);
    }

    static String databaseFix() {
        return "give the database's key, and its cipher settings if they are not SQLCipher 4's defaults"
                + " (e.g. legacy=3 for SQLCipher 3, kdf-iter=N, page-size=N)";
    }

    static String backupFix() {
        return "give the key the database had when the backup was made (--key-env VAR or --key-file FILE), and"
                + " the settings recorded with the backup; after a key change run 'lifeboat rekey-sqlcipher'";
    }
}
