package dev.lifeboat.repository.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads an object and, when the connection breaks mid-way, opens it again at the same byte and
 * carries on, as long as the store finds it still the same object (same version, size, time). A
 * read the store gives up on is the repository's failure, never damaged data; an object that
 * went away meanwhile is.
 */
public final class ResumingRead extends InputStream {
    /** Opens the object again at a position: empty when it is gone, or is no longer the same one. */
    @FunctionalInterface
    public interface Reopen {
        Optional<InputStream> at(long position) throws IOException;
    }

    /** How one store tells a passing failure from a final one, and says so. */
    public interface Failures {
        boolean mayPass(IOException e);

        /** The one line for a read given up at {@code position}. */
        RuntimeException gaveUp(IOException e, long position);

        /** The one line for an object that was removed or replaced while it was read. */
        RuntimeException gone(long position);

        /** Lets go of a stream no longer read; a store whose close would drain it aborts it instead. */
        default void release(InputStream in) throws IOException {
            in.close();
        }
    }

    private final Reopen reopen;
    private final Failures failures;
    private InputStream current;
    private long position;
    private int retriesLeft;

    public ResumingRead(InputStream first, long position, int retries, Reopen reopen, Failures failures) {
        this.current = first;
        this.position = position;
        this.retriesLeft = retries;
        this.reopen = reopen;
        this.failures = failures;
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
                if (!failures.mayPass(e) || retriesLeft-- <= 0) {
                    throw failures.gaveUp(e, position);
                }
                closeQuietly();
                long at = position;
                current = reopen.at(at).orElseThrow(() -> failures.gone(at));
            }
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            failures.release(current);
        } catch (IOException e) {
            // nothing more to read from it
        }
    }
}
