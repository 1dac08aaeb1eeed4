package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.Side;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.secret.DatabaseKey;
import dev.lifeboat.secret.Uris;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Opens SQLCipher files through the isolated driver, with the key set by Lifeboat itself (the
 * driver's own key property pastes the key into SQL unquoted), and in-memory temp storage so no
 * sort or statement journal spills plaintext into a temp file.
 */
final class CipherFiles {
    /** SQLite's open flags: read-only, read-write, read-write-create. */
    enum Access {
        READ_ONLY(1), READ_WRITE(2), CREATE(6);

        private final int flags;

        Access(int flags) {
            this.flags = flags;
        }
    }

    private static final int SQLITE_NOTADB = 26;
    private final IsolatedDriver driver;

    CipherFiles(IsolatedDriver driver) {
        this.driver = driver;
    }

    /**
     * Opens {@code file} with the key and proves the key by reading the schema. A wrong key (or a
     * file that is no SQLCipher database) fails with SQLITE_NOTADB: see {@link #isWrongKey}.
     */
    Connection open(Path file, CipherSettings settings, DatabaseKey key, Access access, Duration busy)
            throws SQLException {
        // The driver reads the file while connecting, so settings and key go in as its properties,
        // which it applies in SQLite3MultipleCiphers' order, settings first. The key goes in hex:
        // the driver pastes the key into SQL without escaping quotes. As "hexkey" a passphrase's
        // bytes still go through SQLCipher's KDF; a raw key is given as SQLCipher's x'...'.
        Properties properties = properties(access, busy);
        properties.setProperty("cipher", "sqlcipher");
        settings.engineParameters().forEach(properties::setProperty);
        properties.setProperty("hexkey_mode", key.isRaw() ? "SQLCIPHER" : "SSE");
        properties.setProperty("key", key.secretHex());
        properties.setProperty("temp_store", "MEMORY");
        Connection conn;
        try {
            conn = connect(file, properties);
        } catch (SQLException e) {
            throw scrubbed(e, key);
        }
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema")) {
            rs.next();
            return conn;
        } catch (SQLException e) {
            conn.close();
            throw scrubbed(e, key);
        }
    }

    /** True if {@code file} opens as a plain SQLite database, without any key. */
    boolean isPlainSqlite(Path file) {
        try (Connection conn = connect(file, properties(Access.READ_ONLY, Duration.ofSeconds(1)));
             Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
    }

    private static Properties properties(Access access, Duration busy) {
        Properties properties = new Properties();
        properties.setProperty("open_mode", Integer.toString(access.flags));
        properties.setProperty("busy_timeout", Long.toString(Math.min(Integer.MAX_VALUE, busy.toMillis())));
        return properties;
    }

    private Connection connect(Path file, Properties properties) throws SQLException {
        Connection conn = driver.driver().connect("jdbc:sqlite:" + file, properties);
        if (conn == null) {
            throw new SQLException("the SQLCipher driver refused the file name");
        }
        return conn;
    }

    /**
     * A URI that makes SQLite open {@code file} encrypted with the key and settings: for the files
     * SQLite opens by itself (VACUUM INTO, the backup API). It holds the key: never print it.
     */
    static String keyedUri(Path file, CipherSettings settings, DatabaseKey key) {
        return "file:" + Uris.encode(file.toString()) + "?" + settings.uriParameters()
                + (key.isRaw() ? "&key=" + Uris.encode("x'" + key.secretHex() + "'") : "&hexkey=" + key.secretHex());
    }

    /** A URI as an SQL string literal; percent-encoding has left no quote in it. */
    static String literal(String uri) {
        return "'" + uri.replace("'", "''") + "'";
    }

    static boolean isWrongKey(SQLException e) {
        return (e.getErrorCode() & 0xff) == SQLITE_NOTADB;
    }

    /** A copy of {@code e} with every trace of the key and of keyed URIs removed, and no cause. */
    static SQLException scrubbed(SQLException e, DatabaseKey key) {
        SQLException clean = new SQLException(key.scrub(e.getMessage()), e.getSQLState(), e.getErrorCode());
        clean.setStackTrace(e.getStackTrace());
        return clean;
    }

    /** Fails unless {@code file} is an existing, readable file. */
    static void requireFile(Path file, String role, Side side) {
        if (!Files.exists(file)) {
            throw side.failure(role + " " + file + " does not exist; check the path");
        }
        if (Files.isDirectory(file)) {
            throw side.failure(role + " " + file + " is a folder; give the database file");
        }
        if (!Files.isReadable(file)) {
            throw side.failure(role + " " + file + " is not readable (permission denied); run"
                    + " Lifeboat as a user who can read it");
        }
    }

    /** One line for an SQLite failure on {@code file}, with a fix and without the key. */
    static LifeboatException failure(String doing, Path file, SQLException e, DatabaseKey key, Duration budget,
                                     Side side) {
        String reason = switch (e.getErrorCode() & 0xff) {
            case 5, 6 -> "the database stayed locked by another connection beyond the " + budget.toSeconds()
                    + " s retry budget; retry when its writers are idle (or raise LIFEBOAT_LOCK_TIMEOUT)";
            case 11 -> "the database file is corrupt; open it with the sqlcipher shell and run PRAGMA integrity_check";
            case 13 -> "the disk is full; free space and retry";
            case 14 -> "the file cannot be opened; check the path and permissions";
            case 8 -> "the file or its folder is read-only; fix the permissions";
            case 10 -> "an I/O error occurred; check the disk";
            default -> key.scrub(e.getMessage()) + "; check the database";
        };
        Side failed = (e.getErrorCode() & 0xff) == 13 ? Side.SCRATCH : side;
        return failed.failure("cannot " + doing + " " + file + ": " + reason, scrubbed(e, key));
    }
}
