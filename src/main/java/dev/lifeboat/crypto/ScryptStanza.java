package dev.lifeboat.crypto;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * age's scrypt recipient stanza (age-encryption.org/v1, "scrypt recipient stanza"): the file key
 * wrapped with ChaCha20-Poly1305 under scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt,
 * N = 2^workFactor, r = 8, p = 1). Written here because jagged-scrypt is not published on Maven
 * Central; the format is small and {@code age -d} checks our output in the tests.
 */
final class ScryptStanza implements RecipientStanzaWriter, RecipientStanzaReader {
    static final String TYPE = "scrypt";
    /**
     * Highest work factor we derive a key for: 2^20 costs 1 GiB of memory. A damaged or hostile
     * header could otherwise ask for 2^30 and exhaust the machine; age itself writes 18.
     */
    static final int MAX_WORK_FACTOR = 20;
    static final int MIN_WORK_FACTOR = 10;
    /** scrypt's block size parameter, fixed by age. */
    private static final int R = 8;
    private static final byte[] LABEL = "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT_BYTES = 16;
    private static final int FILE_KEY_BYTES = 16;
    private static final int BODY_BYTES = FILE_KEY_BYTES + 16;

    /** The passphrase did not unwrap the file key: a wrong passphrase, or a damaged stanza. */
    static final class WrongPassphraseException extends GeneralSecurityException {
        WrongPassphraseException() {
            super("the passphrase does not unwrap the file key");
        }
    }

    private record Stanza(String getType, List<String> getArguments, byte[] getBody) implements RecipientStanza {
    }

    private final byte[] passphrase;
    private final int workFactor;
    private final SecureRandom random;

    private ScryptStanza(byte[] passphrase, int workFactor, SecureRandom random) {
        this.passphrase = passphrase.clone();
        this.workFactor = workFactor;
        this.random = random;
    }

    /**
     * A writer with the given work factor (log2 N); the passphrase bytes are copied. Fails at once
     * when this JVM's heap cannot hold scrypt's memory, before a backup takes its snapshot.
     */
    static ScryptStanza writer(byte[] passphrase, int workFactor, SecureRandom random) {
        requireHeap(workFactor, Runtime.getRuntime().maxMemory());
        return new ScryptStanza(passphrase, workFactor, random);
    }

    /** scrypt's working array: 128 * r * N bytes. */
    static long memory(int workFactor) {
        return 128L * R * (1L << workFactor);
    }

    /** Fails when a heap of at most {@code maxHeap} bytes cannot hold the working array at all. */
    static void requireHeap(int workFactor, long maxHeap) {
        if (memory(workFactor) >= maxHeap) {
            throw tooLittleHeap(workFactor, maxHeap);
        }
    }

    private static LifeboatException tooLittleHeap(int workFactor, long maxHeap) {
        long mib = 1 << 20;
        // the array, plus room for the rest of Lifeboat, in whole 64 MiB steps
        long suggested = (memory(workFactor) + 128 * mib + 64 * mib - 1) / (64 * mib) * 64;
        return new LifeboatException(ExitCode.SOURCE, "not enough memory for the passphrase's scrypt key"
                + " derivation: work factor " + workFactor + " needs " + memory(workFactor) / mib + " MiB and this"
                + " Java heap has at most " + maxHeap / mib + " MiB; run with LIFEBOAT_JAVA_OPTS=-Xmx" + suggested
                + "m (or more)");
    }

    /** A reader, which takes the work factor from each stanza; the passphrase bytes are copied. */
    static ScryptStanza reader(byte[] passphrase) {
        return new ScryptStanza(passphrase, MAX_WORK_FACTOR, new SecureRandom());
    }

    @Override
    public Iterable<RecipientStanza> getRecipientStanzas(FileKey fileKey) throws GeneralSecurityException {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] body = cipher(Cipher.ENCRYPT_MODE, wrapKey(salt, workFactor)).doFinal(fileKey.getEncoded());
        String encodedSalt = Base64.getEncoder().withoutPadding().encodeToString(salt);
        return List.of(new Stanza(TYPE, List.of(encodedSalt, Integer.toString(workFactor)), body));
    }

    @Override
    public FileKey getFileKey(Iterable<RecipientStanza> recipientStanzas) throws GeneralSecurityException {
        List<RecipientStanza> stanzas = new ArrayList<>();
        recipientStanzas.forEach(stanzas::add);
        RecipientStanza stanza = stanzas.stream().filter(s -> TYPE.equals(s.getType())).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("the age header has no passphrase (scrypt) stanza"));
        if (stanzas.size() != 1) {
            // The spec forbids mixing: it would let a key holder learn nothing but confuse the reader.
            throw new GeneralSecurityException("the age header mixes a scrypt stanza with other stanzas");
        }
        List<String> args = stanza.getArguments();
        if (args.size() != 2) {
            throw new GeneralSecurityException("the scrypt stanza has " + args.size() + " arguments, not 2");
        }
        byte[] salt = salt(args.get(0));
        int factor = workFactor(args.get(1));
        byte[] body = stanza.getBody();
        if (body.length != BODY_BYTES) {
            throw new GeneralSecurityException("the scrypt stanza body has " + body.length + " bytes, not 32");
        }
        try {
            return new FileKey(cipher(Cipher.DECRYPT_MODE, wrapKey(salt, factor)).doFinal(body));
        } catch (AEADBadTagException e) {
            throw new WrongPassphraseException();
        }
    }

    private static byte[] salt(String encoded) throws GeneralSecurityException {
        try {
            byte[] salt = Base64.getDecoder().decode(encoded);
            if (salt.length == SALT_BYTES && Base64.getEncoder().withoutPadding().encodeToString(salt).equals(encoded)) {
                return salt;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new GeneralSecurityException("the scrypt stanza salt is not 16 bytes of canonical base64");
    }

    private static int workFactor(String decimal) throws GeneralSecurityException {
        if (!decimal.matches("[1-9][0-9]?")) {
            throw new GeneralSecurityException("the scrypt work factor is not a small decimal number");
        }
        int factor = Integer.parseInt(decimal);
        if (factor > MAX_WORK_FACTOR) {
            throw new GeneralSecurityException("the scrypt work factor " + factor + " exceeds the maximum "
                    + MAX_WORK_FACTOR + " that Lifeboat derives");
        }
        return factor;
    }

    private byte[] wrapKey(byte[] salt, int factor) {
        long maxHeap = Runtime.getRuntime().maxMemory();
        requireHeap(factor, maxHeap);
        byte[] fullSalt = Arrays.copyOf(LABEL, LABEL.length + salt.length);
        System.arraycopy(salt, 0, fullSalt, LABEL.length, salt.length);
        try {
            return SCrypt.generate(passphrase, fullSalt, 1 << factor, R, 1, 32);
        } catch (OutOfMemoryError e) {
            // the heap is larger than the array, but not with everything else in it; the array is garbage now
            throw tooLittleHeap(factor, maxHeap);
        }
    }

    private static Cipher cipher(int mode, byte[] key) throws GeneralSecurityException {
        try {
            Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
            cipher.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(new byte[12]));
            return cipher;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
