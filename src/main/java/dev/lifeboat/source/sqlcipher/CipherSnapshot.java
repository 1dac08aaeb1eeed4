package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.Side;
import dev.lifeboat.NoSpace;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.secret.DatabaseKey;
import dev.lifeboat.secret.KeyCheck;
import dev.lifeboat.source.ScratchFileSnapshot;
import dev.lifeboat.source.sqlite.SqliteFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A consistent copy of an SQLCipher database in scratch space, encrypted with the key and cipher
 * settings it is taken with, so no plaintext page is ever written.
 *
 * <p>The copy is made by {@code VACUUM INTO} a keyed URI: one statement, one read transaction
 * that sees committed WAL content and never restarts, while writers carry on in WAL mode. The
 * driver's {@code backup to} is not used: from a keyed connection it writes a plaintext copy, and
 * its small restartable steps could spin forever under constant writes. The copy has a new salt
 * but the same key and settings, so the application opens a restored file unchanged.
 */
final class CipherSnapshot {
    static final String CONTENT = "sqlcipher-encrypted pages (stored uncompressed: they do not compress)";

    private CipherSnapshot() {
    }

    /**
     * Copies {@code source} (opened with {@code sourceKey}) into a new scratch file encrypted with
     * {@code copyKey}; the same key unless re-keying. {@code hold} is closed with the snapshot.
     */
    static ScratchFileSnapshot take(CipherFiles files, Path source, String role, Side side, CipherSettings settings,
                               DatabaseKey sourceKey, DatabaseKey copyKey, ScratchSpace scratch, Duration busy,
                               AutoCloseable hold) {
        // VACUUM INTO writes at most the pages in use: the file with its -wal bounds them.
        long needed = ScratchSpace.databaseSize(source);
        scratch.requireSpace(needed, "a snapshot of " + source);
        Path copy = scratch.newFile(source.getFileName() + ".sqlcipher");
        // The key check's deliberately slow KDF runs while the copy is made.
        CompletableFuture<String> keyCheck = CompletableFuture.supplyAsync(
                () -> KeyCheck.create(copyKey, new SecureRandom()), ScratchFileSnapshot.COUNTING);
        try {
            CipherFiles.requireFile(source, role, side);
            Map<String, String> extra = new LinkedHashMap<>();
            CipherFiles.Access access = Files.isWritable(source) ? CipherFiles.Access.READ_WRITE
                    : CipherFiles.Access.READ_ONLY;
            try (Connection conn = open(files, source, role, side, settings, sourceKey, access, busy);
                 Statement st = conn.createStatement()) {
                extra.put("source_journal_mode", SqliteFacts.stringValue(conn, "PRAGMA journal_mode"));
                st.execute("VACUUM INTO " + CipherFiles.literal(CipherFiles.keyedUri(copy, settings, copyKey)));
            } catch (SQLException e) {
                throw NoSpace.isCause(e) ? scratch.full("a snapshot of " + source, needed, e)
                        : CipherFiles.failure("back up", source, e, sourceKey, busy, side);
            }
            try (Connection conn = files.open(copy, settings, copyKey, CipherFiles.Access.READ_WRITE, busy);
                 Statement st = conn.createStatement()) {
                st.execute("PRAGMA journal_mode = DELETE");
            } catch (SQLException e) {
                throw CipherFiles.failure("check the copy of", source, e, copyKey, busy, Side.SCRATCH);
            }
            extra.put("snapshot_method", "vacuum-into");
            extra.put("cipher_settings", settings.spec());
            extra.put("content", CONTENT);
            CompletableFuture<Facts> facts = CompletableFuture.supplyAsync(
                    () -> count(files, copy, settings, copyKey, extra), ScratchFileSnapshot.COUNTING)
                    .thenCombine(keyCheck, CipherSnapshot::withKeyCheck);
            return new ScratchFileSnapshot(copy, ".sqlcipher", false, facts,
                    "check the database with the sqlcipher shell", ScratchFileSnapshot.AfterReading.KEEP, hold);
        } catch (RuntimeException e) {
            ScratchSpace.delete(copy);
            closeQuietly(hold);
            throw e;
        }
    }

    /** Opens with the key, or fails saying the key does not open it (or that it is plain SQLite). */
    static Connection open(CipherFiles files, Path file, String role, Side side, CipherSettings settings,
                           DatabaseKey key, CipherFiles.Access access, Duration busy) throws SQLException {
        try {
            return files.open(file, settings, key, access, busy);
        } catch (SQLException e) {
            if (CipherFiles.isWrongKey(e)) {
                throw CipherErrors.keyDoesNotOpen(files, file, role, key, settings, side, CipherErrors.databaseFix());
            }
            throw e;
        }
    }

    private static Facts withKeyCheck(Facts facts, String keyCheck) {
        Map<String, String> properties = new LinkedHashMap<>(facts.properties());
        properties.put("key_check", keyCheck);
        return new Facts(facts.engine(), facts.engineVersion(), facts.tableRows(), properties);
    }

    private static Facts count(CipherFiles files, Path copy, CipherSettings settings, DatabaseKey key,
                               Map<String, String> extra) {
        Map<String, String> properties = new LinkedHashMap<>(extra);
        try (Connection conn = files.open(copy, settings, key, CipherFiles.Access.READ_ONLY, Duration.ofSeconds(5))) {
            return asSqlcipher(SqliteFacts.read(conn, properties));
        } catch (SQLException e) {
            throw new CompletionException(CipherFiles.scrubbed(e, key));
        }
    }

    static Facts asSqlcipher(Facts facts) {
        return new Facts(SqlcipherEngine.KIND, facts.engineVersion(), facts.tableRows(), facts.properties());
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // A lock that cannot be released is taken over once this process is gone.
        }
    }
}
