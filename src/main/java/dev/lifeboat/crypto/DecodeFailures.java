package dev.lifeboat.crypto;

import dev.lifeboat.LifeboatException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns the unchecked exceptions a decoder may throw on malformed input (index or buffer errors
 * deep in a library) into IOExceptions, so that damaged data is always reported as damage.
 */
final class DecodeFailures extends FilterInputStream {
    DecodeFailures(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (LifeboatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw damaged(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (LifeboatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw damaged(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        int read = read(buffer, 0, buffer.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    static IOException damaged(RuntimeException e) {
        return new IOException("undecodable encrypted data (" + e.getClass().getSimpleName() + ")", e);
    }
}
