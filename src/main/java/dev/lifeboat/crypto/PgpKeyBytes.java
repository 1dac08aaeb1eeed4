package dev.lifeboat.crypto;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * Reads OpenPGP key material in any of the forms people paste or pipe: ASCII armor, binary
 * packets, or base64 of the binary packets (what fits in an environment variable or secret store).
 * Keys are small, so the material is read whole, up to a limit, and wiped after parsing; the parser
 * always receives binary packets.
 */
final class PgpKeyBytes {
    private static final int LIMIT = 4 << 20;
    private static final String ARMOR = "-----BEGIN PGP";

    private PgpKeyBytes() {
    }

    /** Parses the key material with {@code parser}, which receives binary packets. */
    static <T> T parse(InputStream in, String what, String how, Function<InputStream, T> parser) {
        byte[] raw = readLimited(in, what, how);
        byte[] packets = null;
        try {
            packets = packets(raw, what, how);
            return parser.apply(new ByteArrayInputStream(packets));
        } finally {
            Arrays.fill(raw, (byte) 0);
            if (packets != null) {
                Arrays.fill(packets, (byte) 0);
            }
        }
    }

    private static byte[] readLimited(InputStream in, String what, String how) {
        try {
            byte[] raw = in.readNBytes(LIMIT + 1);
            if (raw.length > LIMIT) {
                throw new LifeboatException(ExitCode.USAGE, "the " + what + " is larger than " + (LIMIT >> 20)
                        + " MiB, too large for a key; " + how);
            }
            if (raw.length == 0) {
                throw new LifeboatException(ExitCode.USAGE, "the " + what + " is empty; " + how);
            }
            return raw;
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.USAGE, "cannot read the " + what + " ("
                    + e.getClass().getSimpleName() + "); " + how);
        }
    }

    /** Binary packets as given, armor removed, or base64 without armor decoded. */
    private static byte[] packets(byte[] raw, String what, String how) {
        int first = firstNonSpace(raw);
        if (first < 0) {
            throw new LifeboatException(ExitCode.USAGE, "the " + what + " is empty; " + how);
        }
        if ((raw[first] & 0x80) != 0) {
            return raw;
        }
        if (startsWith(raw, first, ARMOR)) {
            return dearmored(raw, what, how);
        }
        byte[] compact = withoutWhitespace(raw);
        try {
            byte[] decoded = Base64.getDecoder().decode(compact);
            if (decoded.length > 0 && (decoded[0] & 0x80) != 0) {
                return decoded;
            }
            Arrays.fill(decoded, (byte) 0);
        } catch (IllegalArgumentException e) {
            // not base64; reported below without quoting the material
        } finally {
            Arrays.fill(compact, (byte) 0);
        }
        throw new LifeboatException(ExitCode.USAGE, "the " + what + " is not OpenPGP key material (expected"
                + " ASCII armor, binary, or base64 of binary); " + how);
    }

    /** Every armor block in turn, so that {@code cat alice.asc bob.asc} gives both keys. */
    private static byte[] dearmored(byte[] raw, String what, String how) {
        ByteArrayOutputStream packets = new ByteArrayOutputStream();
        int start = indexOf(raw, ARMOR, 0);
        while (start >= 0) {
            int next = indexOf(raw, ARMOR, start + ARMOR.length());
            int end = next < 0 ? raw.length : next;
            try (InputStream block = new ArmoredInputStream(new ByteArrayInputStream(raw, start, end - start))) {
                block.transferTo(packets);
            } catch (IOException | RuntimeException e) {
                throw new LifeboatException(ExitCode.USAGE, "the " + what + " has damaged ASCII armor; " + how);
            }
            start = next;
        }
        return packets.toByteArray();
    }

    private static int indexOf(byte[] raw, String text, int from) {
        for (int i = from; i >= 0 && i < raw.length; i++) {
            if (startsWith(raw, i, text)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] withoutWhitespace(byte[] raw) {
        byte[] compact = new byte[raw.length];
        int n = 0;
        for (byte b : raw) {
            if (!Character.isWhitespace(b)) {
                compact[n++] = b;
            }
        }
        byte[] result = Arrays.copyOf(compact, n);
        Arrays.fill(compact, (byte) 0);
        return result;
    }

    private static int firstNonSpace(byte[] raw) {
        for (int i = 0; i < raw.length; i++) {
            if (!Character.isWhitespace(raw[i])) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] raw, int offset, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        return raw.length - offset >= p.length && Arrays.equals(raw, offset, offset + p.length, p, 0, p.length);
    }


    /**
     * Every key ring of the {@code wanted} kind in an OpenPGP packet stream. A ring of the other
     * kind fails with {@code wrongKind}; anything else that is not a marker, or no ring at all,
     * fails with {@code notAKey}.
     */
    static <T> List<T> rings(InputStream packets, Class<T> wanted, Class<?> other, LifeboatException wrongKind,
                             LifeboatException notAKey) {
        List<T> rings = new ArrayList<>();
        try {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(packets);
            for (Object o; (o = factory.nextObject()) != null; ) {
                if (wanted.isInstance(o)) {
                    rings.add(wanted.cast(o));
                } else if (other.isInstance(o)) {
                    throw wrongKind;
                } else if (!(o instanceof PGPMarker)) {
                    throw notAKey;
                }
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw notAKey;
        }
        if (rings.isEmpty()) {
            throw notAKey;
        }
        return rings;
    }
}
