package dev.lifeboat.repository;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Reports write failures (full disk, lost permission) as repository failures with a fix, and counts what went through. */
final class RepositoryOutputStream extends FilterOutputStream {
    private final String location;
    private long written;

    RepositoryOutputStream(OutputStream out, String location) {
        super(out);
        this.location = location;
    }

    long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
            written += len;
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location, e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location, e);
        }
    }
}
