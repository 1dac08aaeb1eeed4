package dev.lifeboat.source.sqlite;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.NoSpace;
import dev.lifeboat.repository.EarlyWriteback;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Inspector;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.sqlite.SQLiteConnection;

/**
 * A restored snapshot written to a scratch file, then checked with integrity_check (unless a
 * verification already proved it for these exact bytes) and counts. SQLCipher's staged copies
 * write the same way and override only the check.
 */
public class StagedCopy implements Inspector.Staged {
    protected final Path file;
    private final ScratchSpace space;
    private String forWhat = "a restored snapshot";
    private long needed;

    /** A copy named {@code label} in {@code space}, whose full disk is reported as that folder's. */
    protected StagedCopy(ScratchSpace space, String label) {
        this.space = space;
        this.file = space.newFile(label);
    }

    @Override
    public void requireSpace(String backupId, long plainSize) {
        forWhat = "a copy of backup " + backupId;
        // room for the file system's own blocks and SQLite's journal of the page-size rebuild
        needed = plainSize + Math.max(1 << 20, plainSize / 100) + alsoNeeded(plainSize);
        space.requireSpace(needed, forWhat);
    }

    /** What else must fit beside the copy, e.g. a preserved copy of the target it replaces. */
    protected long alsoNeeded(long plainSize) {
        return 0;
    }

    /**
     * Replacing {@code target} needs, besides the staged copy, the preserved copy of its current
     * content and, while installing, SQLite's journal or WAL of the replaced pages.
     */
    protected static long forReplacing(Path target, long plainSize) {
        long current = ScratchSpace.databaseSize(target);
        return current + Math.max(current, plainSize);
    }

    @Override
    public OutputStream output() throws IOException {
        FileChannel channel;
        try {
            channel = ScratchSpace.writeTo(file);
        } catch (IOException e) {
            throw failIfFull(e);
        }
        // The copy is synced before it is checked and installed; syncing as it is written keeps that wait short.
        EarlyWriteback writeback = new EarlyWriteback(channel, EarlyWriteback.EVERY);
        return new FilterOutputStream(writeback) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw failIfFull(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    writeback.settle();
                    channel.force(true);
                } catch (IOException e) {
                    throw failIfFull(e);
                } finally {
                    super.close();
                }
            }
        };
    }

    /** A full disk becomes the one line naming this folder and what it needed; other failures stay as they are. */
    private IOException failIfFull(IOException e) {
        if (NoSpace.isCause(e)) {
            throw space.full(forWhat, needed, e);
        }
        return e;
    }

    @Override
    public final Inspector.Inspection check() {
        return inspect(java.util.Optional.empty());
    }

    @Override
    public final Inspector.Inspection check(String proven) {
        return inspect(java.util.Optional.of(proven));
    }

    /** The line for a structural check left out because {@code proven} says these exact bytes passed it. */
    protected static String skipped(String check, String proven) {
        return check + ": skipped, these exact bytes passed it (" + proven + ")";
    }

    /** Checks the copy: integrity_check unless {@code proven} is given, then the facts. */
    protected Inspector.Inspection inspect(java.util.Optional<String> proven) {
        try (SQLiteConnection conn = SqliteFiles.open(file, SqliteFiles.Access.READ_ONLY)) {
            if (proven.isEmpty()) {
                List<String> problems = SqliteFacts.integrityProblems(conn);
                if (!problems.isEmpty()) {
                    throw LifeboatException.integrity("the restored snapshot fails PRAGMA integrity_check ("
                            + problems.get(0) + (problems.size() > 1 ? ", and " + (problems.size() - 1) + " more"
                            : "") + "); restore an older backup");
                }
            }
            return new Inspector.Inspection(List.of(proven.map(p -> skipped("PRAGMA integrity_check", p))
                    .orElse("PRAGMA integrity_check: ok")), SqliteFacts.read(conn, java.util.Map.of()), proven);
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
