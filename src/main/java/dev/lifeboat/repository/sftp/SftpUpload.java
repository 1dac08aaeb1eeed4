package dev.lifeboat.repository.sftp;

import dev.lifeboat.repository.store.Store;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;

/**
 * One object being written: into a private temp file beside its key (pipelined writes), which
 * on commit is forced to disk and renamed over the key. Closing without commit removes the temp;
 * a writer killed or cut off instead leaves it for {@link dev.lifeboat.repository.store.Store#unfinished}.
 */
final class SftpUpload implements Store.Pending {
    private final SftpLocation location;
    private final SftpConnection connection;
    private final String key;
    private final String temp;
    private final long length;
    private final CloseableHandle handle;
    private final SftpOutputStreamAsync out;
    private final Counting stream;
    private boolean committed;

    private SftpUpload(SftpLocation location, SftpConnection connection, String key, String temp, long length,
                       CloseableHandle handle) {
        this.location = location;
        this.connection = connection;
        this.key = key;
        this.temp = temp;
        this.length = length;
        this.handle = handle;
        // MINA's own client is always an AbstractSftpClient; its async stream keeps many writes in flight.
        this.out = new SftpOutputStreamAsync((AbstractSftpClient) connection.sftp(), 0, temp, handle, false);
        this.stream = new Counting(out);
    }

    static SftpUpload start(SftpLocation location, SftpConnection connection, String key, String temp, long length)
            throws IOException {
        return new SftpUpload(location, connection, key, temp, length,
                RemoteFiles.createNew(connection.sftp(), location.path(temp), location.path("")));
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public void commit() throws IOException {
        if (length >= 0 && stream.count != length) {
            throw new IllegalStateException(stream.count + " bytes were written for " + key + ", not the " + length
                    + " announced");
        }
        try {
            out.close();
            RemoteFiles.fsyncIfOffered(connection, handle);
            // MINA's stream gives up silently on write acks that come too late: the size tells.
            long stored = connection.sftp().stat(handle).getSize();
            if (stored != stream.count) {
                throw new IOException("the server holds " + stored + " of the " + stream.count + " bytes sent");
            }
            handle.close();
            RemoteFiles.replace(connection, location.path(temp), location.path(key));
            committed = true;
        } catch (IOException e) {
            throw SftpErrors.map(location, "committing " + key, e);
        }
    }

    @Override
    public void close() {
        if (committed || !connection.isOpen()) {
            return;
        }
        SftpClient sftp = connection.sftp();
        try {
            out.close();
            handle.close();
        } catch (IOException e) {
            // the temp goes all the same
        }
        RemoteFiles.removeQuietly(sftp, location.path(temp));
    }

    /** Counts what was written, and reports a failure as the repository's, in one line. */
    private final class Counting extends FilterOutputStream {
        private long count;

        Counting(OutputStream out) {
            super(out);
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
                throw SftpErrors.map(location, "writing " + key, e);
            }
            count += len;
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw SftpErrors.map(location, "writing " + key, e);
            }
        }

        /** Only commit or abort ends the SFTP stream; a caller's try-with-resources just flushes. */
        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
