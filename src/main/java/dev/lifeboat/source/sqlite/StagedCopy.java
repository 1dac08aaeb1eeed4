package dev.lifeboat.source.sqlite;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Inspector;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.sqlite.SQLiteConnection;

/**
 * A restored snapshot written to a scratch file, then checked with integrity_check and counts.
 * SQLCipher's staged copies write the same way and override only the check.
 */
public class StagedCopy implements Inspector.Staged {
    protected final Path file;

    protected StagedCopy(Path file) {
        this.file = file;
    }

    @Override
    public OutputStream output() throws IOException {
        FileChannel channel = ScratchSpace.writeTo(file);
        return new FilterOutputStream(Channels.newOutputStream(channel)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                channel.force(true);
                super.close();
            }
        };
    }

    @Override
    public Inspector.Inspection check() {
        try (SQLiteConnection conn = SqliteFiles.open(file, SqliteFiles.Access.READ_ONLY)) {
            List<String> problems = SqliteFacts.integrityProblems(conn);
            if (!problems.isEmpty()) {
                throw LifeboatException.integrity("the restored snapshot fails PRAGMA integrity_check ("
                        + problems.get(0) + (problems.size() > 1 ? ", and " + (problems.size() - 1) + " more" : "")
                        + "); restore an older backup");
            }
            return new Inspector.Inspection(List.of("PRAGMA integrity_check: ok"),
                    SqliteFacts.read(conn, java.util.Map.of()));
        } catch (SQLException e) {
            throw LifeboatException.integrity("the restored snapshot is not a readable SQLite database ("
                    + e.getMessage() + "); restore an older backup");
        }
    }

    @Override
    public void close() {
        ScratchSpace.delete(file);
    }
}
