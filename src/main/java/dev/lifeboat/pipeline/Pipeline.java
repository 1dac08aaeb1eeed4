package dev.lifeboat.pipeline;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Seal;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * The one streaming pass between a snapshot and a repository: SHA-256 of the plain bytes,
 * compression, encryption, SHA-256 of the stored bytes. Memory use is a few buffers,
 * whatever the size of the snapshot.
 */
public final class Pipeline {
    private static final int BUFFER = 1 << 20;

    private Pipeline() {
    }

    /** Seals {@code plain} into {@code sink}; the sink is flushed but left open for its owner. */
    public static Seal seal(InputStream plain, OutputStream sink, StoredForm form, LongConsumer progress)
            throws IOException {
        DigestingOutputStream stored = new DigestingOutputStream(new UnclosableOutputStream(sink));
        DigestingOutputStream plainSide = new DigestingOutputStream(
                form.compression().compress(form.encryption().encrypt(stored), form.level()));
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = plain.read(buffer)) >= 0; ) {
            plainSide.write(buffer, 0, n);
            progress.accept(n);
        }
        plainSide.close();
        return new Seal(plainSide.count(), plainSide.hex(), stored.count(), stored.hex());
    }

    /**
     * Unseals a stored object into {@code plainOut}, checking both digests and sizes against the
     * manifest. A mismatch, a truncated object or undecodable bytes end in an integrity failure;
     * a failure to write {@code plainOut} is reported as the {@link IOException} it is.
     */
    public static Seal unseal(InputStream storedIn, OutputStream plainOut, Compression compression,
                              Decryption decryption, Seal expected, LongConsumer progress) throws IOException {
        DigestingInputStream stored = new DigestingInputStream(storedIn);
        DigestingInputStream plain;
        byte[] buffer = new byte[BUFFER];
        try {
            plain = new DigestingInputStream(compression.decompress(decryption.decrypt(stored)));
        } catch (IOException e) {
            throw corrupted(e.getMessage(), e);
        }
        while (true) {
            int n;
            try {
                n = plain.read(buffer);
            } catch (IOException e) {
                throw corrupted(e.getMessage(), e);
            }
            if (n < 0) {
                break;
            }
            plainOut.write(buffer, 0, n);
            progress.accept(n);
        }
        try {
            while (stored.read(buffer) >= 0) {
                // trailing bytes after the end of the compressed stream still count for the digest
            }
        } catch (IOException e) {
            throw corrupted(e.getMessage(), e);
        }
        Seal actual = new Seal(plain.count(), plain.hex(), stored.count(), stored.hex());
        check(actual, expected);
        return actual;
    }

    private static void check(Seal actual, Seal expected) {
        if (actual.storedSize() < expected.storedSize()) {
            throw corrupted("the stored object is truncated: " + actual.storedSize() + " of "
                    + expected.storedSize() + " bytes", null);
        }
        if (actual.storedSize() != expected.storedSize()
                || !actual.storedSha256().equals(expected.storedSha256())) {
            throw corrupted("the stored object's SHA-256 differs from its manifest", null);
        }
        if (actual.plainSize() != expected.plainSize()
                || !actual.plainSha256().equals(expected.plainSha256())) {
            throw corrupted("the restored snapshot's SHA-256 differs from its manifest", null);
        }
    }

    static LifeboatException corrupted(String detail, Throwable cause) {
        return new LifeboatException(ExitCode.INTEGRITY, "backup is corrupted or tampered ("
                + (detail == null ? "unreadable data" : detail)
                + "); restore an older backup and run 'lifeboat verify all' on this repository", cause);
    }

    /** Keeps the pipeline's close() from closing a stream its owner must still commit. */
    static final class UnclosableOutputStream extends FilterOutputStream {
        UnclosableOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
