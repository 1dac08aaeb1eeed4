package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.secret.DatabaseKey;
import dev.lifeboat.source.Inspector;
import dev.lifeboat.source.sqlite.SqliteFacts;
import dev.lifeboat.source.sqlite.StagedCopy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stored SQLCipher snapshot written back to a scratch file (still encrypted, as it was stored)
 * and checked with the key: cipher_integrity_check where the driver has it, integrity_check (both
 * left out when a verification proved these exact bytes), facts.
 */
class CipherStagedCopy extends StagedCopy {
    protected final CipherFiles files;
    protected final CipherSettings settings;
    protected final DatabaseKey key;

    CipherStagedCopy(ScratchSpace space, String label, CipherFiles files, CipherSettings settings, DatabaseKey key) {
        super(space, label);
        this.files = files;
        this.settings = settings;
        this.key = key;
    }

    @Override
    protected Inspector.Inspection inspect(Optional<String> proven) {
        try (Connection conn = files.open(file, settings, key, CipherFiles.Access.READ_ONLY, Duration.ofSeconds(5))) {
            List<String> checks = new ArrayList<>();
            if (proven.isPresent()) {
                checks.add(skipped("PRAGMA cipher_integrity_check and integrity_check", proven.get()));
            } else {
                checks.add(cipherIntegrityCheck(conn));
                checks.add(integrityCheck(conn));
            }
            return new Inspector.Inspection(checks, CipherSnapshot.asSqlcipher(SqliteFacts.read(conn, Map.of())),
                    proven);
        } catch (SQLException e) {
            if (CipherFiles.isWrongKey(e)) {
                throw EngineFailure.key("the key from " + key.origin() + " does not open this"
                        + " backup with the SQLCipher settings " + settings.describe() + "; " + CipherErrors.backupFix());
            }
            throw LifeboatException.integrity("the restored snapshot is not a readable SQLCipher database ("
                    + key.scrub(e.getMessage()) + "); restore an older backup");
        }
    }

    private String integrityCheck(Connection conn) throws SQLException {
        List<String> problems = SqliteFacts.integrityProblems(conn);
        if (!problems.isEmpty()) {
            throw LifeboatException.integrity("the restored snapshot fails PRAGMA integrity_check ("
                    + key.scrub(problems.get(0)) + (problems.size() > 1 ? ", and " + (problems.size() - 1)
                    + " more" : "") + "); restore an older backup");
        }
        return "PRAGMA integrity_check: ok, every page it read decrypted with the key"
                + ("off".equals(settings.values().get("hmac")) ? "" : " and its HMAC verified");
    }

    /** SQLCipher's own page check where the driver has it (SQLite3MultipleCiphers has not). */
    private String cipherIntegrityCheck(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            if (!st.execute("PRAGMA cipher_integrity_check")) {
                return "PRAGMA cipher_integrity_check: not available in SQLite3MultipleCiphers, skipped";
            }
            try (ResultSet rs = st.getResultSet()) {
                if (rs.next()) {
                    throw LifeboatException.integrity("the restored snapshot fails PRAGMA cipher_integrity_check ("
                            + key.scrub(rs.getString(1)) + "); restore an older backup");
                }
            }
            return "PRAGMA cipher_integrity_check: ok";
        }
    }
}
