package dev.lifeboat.crypto;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Passphrase handling without ever making a String of it (Strings cannot be wiped). */
final class Passphrases {
    private Passphrases() {
    }

    /** The UTF-8 bytes of a passphrase, as age and gpg use them; the caller wipes the result. */
    static byte[] utf8(char[] passphrase) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] bytes = Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
        Arrays.fill(encoded.array(), (byte) 0);
        return bytes;
    }

    static void requireNonEmpty(char[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            throw new LifeboatException(ExitCode.USAGE, "the passphrase is empty; set the variable named by"
                    + " --passphrase-env to the passphrase (or type it at the prompt)");
        }
    }
}
