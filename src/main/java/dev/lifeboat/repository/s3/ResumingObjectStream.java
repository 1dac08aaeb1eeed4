package dev.lifeboat.repository.s3;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.RepositoryUnavailable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an S3 object and, when the connection breaks mid-way, carries on from the same byte
 * with a ranged GET of the same version (If-Match on its ETag). A read failure is reported as
 * the repository's, never as damaged data.
 */
final class ResumingObjectStream extends InputStream {
    private final S3Objects objects;
    private final String key;
    private final String etag;
    private InputStream current;
    private long position;
    private int retriesLeft;

    ResumingObjectStream(S3Objects objects, String key, InputStream first, String etag, long from) {
        this.objects = objects;
        this.key = key;
        this.current = first;
        this.etag = etag;
        this.position = from;
        this.retriesLeft = objects.location().retries();
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
                if (retriesLeft-- <= 0) {
                    throw new RepositoryUnavailable("lost the connection to " + objects.location() + " while reading "
                            + key + " at byte " + position + " (" + e.getMessage() + "); check the network and"
                            + " try again", e);
                }
                closeQuietly();
                current = objects.open(key, position, etag).orElseThrow(() -> new LifeboatException(
                        dev.lifeboat.ExitCode.INTEGRITY, key + " disappeared from " + objects.location()
                        + " while it was read; run 'lifeboat verify all' on that repository"));
            }
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (current instanceof software.amazon.awssdk.core.ResponseInputStream<?> response) {
            // Closing would read the rest of a large object only to throw it away.
            response.abort();
        }
        try {
            current.close();
        } catch (IOException e) {
            // nothing more to read from it
        }
    }
}
