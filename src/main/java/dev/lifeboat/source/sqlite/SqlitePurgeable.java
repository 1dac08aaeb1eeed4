package dev.lifeboat.source.sqlite;

import dev.lifeboat.source.Canonical;
import dev.lifeboat.source.PurgeDialect;
import dev.lifeboat.source.Purgeable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * An SQLite or SQLCipher file to purge, live or staged: both run the same {@link SqliteDialect},
 * over a connection their engine opens as its backups and restores open it.
 */
public record SqlitePurgeable(String kind, Path file, String location, Opener opener) implements Purgeable {
    /** Opens a read-write connection to the file, never creating it. */
    public interface Opener {
        Connection open() throws SQLException;
    }

    /** A plain SQLite file, opened with the lock budget of the engine's live connections. */
    static SqlitePurgeable plain(Path file, LockBudget budget) {
        return new SqlitePurgeable(SqliteEngine.KIND, file, file.toString(), () -> {
            SqliteFiles.requireSqliteFile(file, "database");
            return SqliteFiles.open(file, SqliteFiles.Access.READ_WRITE, budget);
        });
    }

    @Override
    public String identity() {
        return Canonical.fileIdentity(kind, file);
    }

    @Override
    public Connection connect() throws SQLException {
        return opener.open();
    }

    @Override
    public PurgeDialect dialect() {
        return new SqliteDialect();
    }
}
