package dev.lifeboat.source.sqlite;

import dev.lifeboat.source.Side;
import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteOpenMode;

/** Opening SQLite files and turning SQLite's errors into causes a person can act on. */
final class SqliteFiles {
    static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private SqliteFiles() {
    }

    enum Access { READ_ONLY, READ_WRITE, CREATE }

    /** Opens a scratch copy nobody else uses. */
    static SQLiteConnection open(Path file, Access access) throws SQLException {
        return open(file, access, LockBudget.SCRATCH);
    }

    static SQLiteConnection open(Path file, Access access, LockBudget budget) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(budget.millis());
        if (access != Access.CREATE) {
            config.resetOpenMode(SQLiteOpenMode.CREATE);
        }
        config.setReadOnly(access == Access.READ_ONLY);
        return (SQLiteConnection) config.createConnection("jdbc:sqlite:" + file);
    }

    /** True if the file starts with SQLite's header; an empty file is an empty database. */
    static boolean hasSqliteHeader(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(HEADER.length);
            return head.length == 0 || Arrays.equals(head, HEADER);
        }
    }

    /**
     * The journal mode a database file is in, from header bytes 18 and 19 (2 means WAL), read
     * without taking any lock.
     */
    static String journalMode(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(20);
            return head.length == 20 && head[18] == 2 && head[19] == 2 ? "wal" : "rollback";
        }
    }

    /** Fails with a clear cause when {@code file} is missing, unreadable or not plain SQLite. */
    static void requireSqliteFile(Path file, String role) {
        if (!Files.exists(file)) {
            throw EngineFailure.source(role + " " + file + " does not exist; check the path");
        }
        if (Files.isDirectory(file)) {
            throw EngineFailure.source(role + " " + file + " is a folder; give the database file");
        }
        if (!Files.isReadable(file)) {
            throw EngineFailure.source(role + " " + file
                    + " is not readable (permission denied); run Lifeboat as a user who can read it");
        }
        try {
            if (!hasSqliteHeader(file)) {
                throw EngineFailure.source(role + " " + file + " is not an SQLite database"
                        + " (no SQLite header); if it is SQLCipher-encrypted, use sqlcipher:" + file + "?key-env=VAR");
            }
        } catch (IOException e) {
            throw EngineFailure.source("cannot read " + role + " " + file + " ("
                    + e.getMessage() + "); check the file and the disk", e);
        }
    }

    /** One line for an SQLite failure on {@code file}, with a fix. */
    static LifeboatException failure(String doing, Path file, SQLException e, LockBudget budget) {
        SQLiteErrorCode code = SQLiteErrorCode.getErrorCode(e.getErrorCode());
        String reason = switch (code) {
            case SQLITE_BUSY, SQLITE_LOCKED -> "the database stayed locked by another connection beyond the "
                    + budget.describe() + " retry budget; retry when its writers are idle (or raise"
                    + " LIFEBOAT_LOCK_TIMEOUT)";
            case SQLITE_NOTADB -> "the file is not an SQLite database; check the path"
                    + " (use sqlcipher:PATH?key-env=VAR for SQLCipher files)";
            case SQLITE_CORRUPT -> "the database file is corrupt; run PRAGMA integrity_check on it";
            case SQLITE_FULL -> "the disk is full; free space and retry";
            case SQLITE_CANTOPEN -> "the file cannot be opened; check the path and permissions";
            case SQLITE_READONLY -> "the file or its folder is read-only; fix the permissions";
            case SQLITE_IOERR -> "an I/O error occurred; check the disk";
            default -> e.getMessage() + "; check the database";
        };
        Side side = code == SQLiteErrorCode.SQLITE_FULL ? Side.SCRATCH : Side.SOURCE;
        return side.failure("cannot " + doing + " " + file + ": " + reason, e);
    }

    /** SQL identifier quoting. */
    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** SQL string literal quoting. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
