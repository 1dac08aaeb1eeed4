package dev.lifeboat.repository.sftp;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads an object and, when the connection breaks mid-way, reconnects and carries on from the
 * same byte, as long as the object is still the one that was being read (same size and time).
 * A read failure is reported as the repository's, never as damaged data.
 */
final class ResumingRead extends InputStream {
    /** Opens the object again at a position: empty when it is gone, or is no longer the same one. */
    @FunctionalInterface
    interface Reopen {
        Optional<InputStream> at(long position) throws IOException;
    }

    private final SftpLocation location;
    private final String key;
    private final Reopen reopen;
    private InputStream current;
    private long position;
    private int retriesLeft;

    ResumingRead(SftpLocation location, String key, InputStream first, long position, Reopen reopen) {
        this.location = location;
        this.key = key;
        this.current = first;
        this.position = position;
        this.reopen = reopen;
        this.retriesLeft = location.retries();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            try {
                int n = current.read(b, off, len);
                if (n > 0) {
                    position += n;
                }
                return n;
            } catch (IOException e) {
                if (!SftpErrors.isTransient(e) || retriesLeft-- <= 0) {
                    throw SftpErrors.map(location, "reading " + key + " at byte " + position, e);
                }
                closeQuietly();
                current = reopen.at(position).orElseThrow(() -> new LifeboatException(ExitCode.INTEGRITY, key
                        + " was removed or replaced in " + location + " while it was read; run 'lifeboat verify"
                        + " all' on that repository"));
            }
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            current.close();
        } catch (IOException e) {
            // nothing more to read from it
        }
    }
}
