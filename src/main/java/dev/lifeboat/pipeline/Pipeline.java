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
        // Closing finishes the compressed frame and the encryption, and frees zstd's native memory.
        try (plainSide) {
            byte[] buffer = new byte[BUFFER];
            // A pipe (pg_dump's stdout) hands over a few KiB per read; filling the buffer first
            // turns a hundred thousand small digest and compressor calls into a thousand.
            for (int n; (n = plain.readNBytes(buffer, 0, BUFFER)) > 0; ) {
                plainSide.write(buffer, 0, n);
                progress.accept(n);
            }
        }
        return new Seal(plainSide.count(), plainSide.hex(), stored.count(), stored.hex());
    }

    /** Size and SHA-256 of {@code plain}, read to its end, as a seal of bytes stored as they are. */
    public static Seal digest(InputStream plain) throws IOException {
        DigestingOutputStream digest = new DigestingOutputStream(OutputStream.nullOutputStream());
        plain.transferTo(digest);
        String hex = digest.hex();
        return new Seal(digest.count(), hex, digest.count(), hex);
    }

    /**
     * Copies a stored object unchanged (still compressed and encrypted), proving its size and
     * SHA-256 against {@code expected} on the way; {@code sink} is flushed but left open.
     */
    public static void copyStored(InputStream storedIn, OutputStream sink, Seal expected, LongConsumer progress)
            throws IOException {
        DigestingOutputStream stored = new DigestingOutputStream(new UnclosableOutputStream(sink));
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = storedIn.read(buffer)) >= 0; ) {
            stored.write(buffer, 0, n);
            progress.accept(n);
        }
        stored.flush();
        if (stored.count() < expected.storedSize()) {
            throw corrupted("the stored object is truncated: " + stored.count() + " of " + expected.storedSize()
                    + " bytes", null);
        }
        if (stored.count() != expected.storedSize() || !stored.hex().equals(expected.storedSha256())) {
            throw corrupted("the stored object's SHA-256 differs from its manifest", null);
        }
    }

    /**
     * Unseals a stored object into {@code plainOut}, checking both digests and sizes against the
     * manifest. A mismatch, a truncated object or undecodable bytes end in an integrity failure;
     * a failure to write {@code plainOut} is reported as the {@link IOException} it is.
     */
    public static Seal unseal(InputStream storedIn, OutputStream plainOut, Compression compression,
                              Decryption decryption, Seal expected, LongConsumer progress) throws IOException {
        DigestingInputStream stored = new DigestingInputStream(storedIn);
        // Decoding fills the hand-off's buffers; this one only reads what follows the compressed stream.
        byte[] rest = new byte[64 << 10];
        InputStream plain = null;
        // The plain digest and the target each run on a thread of their own while this one decodes.
        DigestingOutputStream plainSide = new DigestingOutputStream(OutputStream.nullOutputStream());
        HandOff handOff = new HandOff(BUFFER, plainSide, plainOut);
        try {
            plain = openDecoded(stored, compression, decryption);
            InputStream decoded = plain;
            for (int n; (n = handOff.fill(into -> readDecoded(decoded, into))) >= 0; ) {
                progress.accept(n);
            }
            handOff.finish();
            while (stored.read(rest) >= 0) {
                // trailing bytes after the end of the compressed stream still count for the digest
            }
        } catch (DecodeFailure e) {
            throw diagnose(stored, rest, expected, e.getCause());
        } finally {
            handOff.close();
            if (plain != null) {
                plain.close();
            }
        }
        Seal actual = new Seal(plainSide.count(), plainSide.hex(), stored.count(), stored.hex());
        check(actual, expected);
        return actual;
    }

    private static InputStream openDecoded(InputStream stored, Compression compression, Decryption decryption)
            throws DecodeFailure {
        try {
            return compression.decompress(decryption.decrypt(stored));
        } catch (IOException e) {
            throw new DecodeFailure(e);
        }
    }

    private static int readDecoded(InputStream plain, byte[] buffer) throws DecodeFailure {
        try {
            return plain.read(buffer);
        } catch (IOException e) {
            throw new DecodeFailure(e);
        }
    }

    /** Undecodable bytes: say "truncated" when the object is shorter than its manifest says. */
    private static LifeboatException diagnose(DigestingInputStream stored, byte[] buffer, Seal expected,
                                              Throwable cause) {
        try {
            while (stored.read(buffer) >= 0) {
                // count what is left, to tell a truncated object from a damaged one
            }
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
        if (stored.count() < expected.storedSize()) {
            return corrupted("the stored object is truncated: " + stored.count() + " of "
                    + expected.storedSize() + " bytes", cause);
        }
        return corrupted(cause.getMessage(), cause);
    }

    /** Marks a failure of the read side (decryption, decompression) apart from one writing the output. */
    private static final class DecodeFailure extends IOException {
        DecodeFailure(IOException cause) {
            super(cause);
        }
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
