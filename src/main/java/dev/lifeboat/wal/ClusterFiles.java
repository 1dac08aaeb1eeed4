package dev.lifeboat.wal;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What Lifeboat reads from a cluster's own files: the system identifier, from {@code global/pg_control}
 * of the data directory (archive_command and restore_command run there) or else from the long
 * header of a WAL segment. PostgreSQL writes both in the machine's byte order; Lifeboat runs on
 * little-endian machines only where PostgreSQL does (x86-64, arm64).
 */
public final class ClusterFiles {
    /** XLOG_PAGE_MAGIC differs per major version; a long header is flagged by XLP_LONG_HEADER. */
    private static final int XLP_LONG_HEADER = 0x0002;

    private ClusterFiles() {
    }

    /** The system identifier of the cluster whose data directory is {@code dataDir}. */
    public static String systemId(Path dataDir) {
        Path control = dataDir.resolve("global").resolve("pg_control");
        try (InputStream in = Files.newInputStream(control)) {
            byte[] head = in.readNBytes(8);
            if (head.length < 8) {
                throw new LifeboatException(ExitCode.SOURCE, control + " is too short to be a pg_control file;"
                        + " run this from the data directory (as archive_command and restore_command are run)");
            }
            return Long.toUnsignedString(ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong());
        } catch (NoSuchFileException e) {
            throw new LifeboatException(ExitCode.USAGE, "no " + control + "; run this as PostgreSQL's"
                    + " archive_command or restore_command (in the data directory), or give --data-dir DIR");
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.SOURCE, "cannot read " + control + " (" + e.getMessage() + ");"
                    + " run as the PostgreSQL OS user", e);
        }
    }

    /** The system identifier in a segment's first page, or empty when it has no long header. */
    public static java.util.Optional<String> systemIdOfSegment(Path segment) throws IOException {
        try (InputStream in = Files.newInputStream(segment)) {
            byte[] head = in.readNBytes(40);
            if (head.length < 40) {
                return java.util.Optional.empty();
            }
            ByteBuffer buffer = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            if ((buffer.getShort(2) & XLP_LONG_HEADER) == 0) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(Long.toUnsignedString(buffer.getLong(24)));
        }
    }
}
