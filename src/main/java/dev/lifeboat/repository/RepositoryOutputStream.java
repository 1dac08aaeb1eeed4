package dev.lifeboat.repository;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Reports write failures (full disk, lost permission) as repository failures with a fix. */
final class RepositoryOutputStream extends FilterOutputStream {
    private final String location;

    RepositoryOutputStream(OutputStream out, String location) {
        super(out);
        this.location = location;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
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
