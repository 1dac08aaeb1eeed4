package dev.lifeboat.crypto;

import dev.lifeboat.DaemonThreads;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Cipher;
import org.conscrypt.Conscrypt;

/**
 * ChaCha20-Poly1305 (RFC 8439) ciphers. BoringSSL's, through Conscrypt, wherever Conscrypt's native
 * library loads (Linux and Windows on x86-64): it encrypts several times faster than the JDK 17
 * implementation, which would otherwise be the slowest stage of an encrypted backup. Elsewhere the
 * JDK's own. Both compute the same function, so the choice never shows in the bytes written.
 */
final class ChaCha20Poly1305 {
    /**
     * Loading BoringSSL takes about 80 ms, so it starts on a daemon thread as soon as this class is
     * first used ({@link #startLoading}, when an encrypted backup is set up) and overlaps the snapshot.
     */
    private static final CompletableFuture<Optional<Provider>> NATIVE = CompletableFuture.supplyAsync(
            ChaCha20Poly1305::loadNative, DaemonThreads.eachOnItsOwn("lifeboat-conscrypt"));

    private ChaCha20Poly1305() {
    }

    /** Starts loading the native implementation, if it has not started yet. */
    static void startLoading() {
        NATIVE.isDone();
    }

    /** A cipher from the fastest implementation available on this platform. */
    static Cipher newCipher() throws GeneralSecurityException {
        Optional<Cipher> cipher = nativeCipher();
        return cipher.isPresent() ? cipher.get() : jdkCipher();
    }

    static Cipher jdkCipher() throws GeneralSecurityException {
        return Cipher.getInstance("ChaCha20-Poly1305");
    }

    /** Conscrypt's cipher, or empty where its native library does not load. */
    static Optional<Cipher> nativeCipher() throws GeneralSecurityException {
        Optional<Provider> provider = NATIVE.join();
        return provider.isPresent()
                ? Optional.of(Cipher.getInstance("ChaCha20/Poly1305/NoPadding", provider.get()))
                : Optional.empty();
    }

    private static Optional<Provider> loadNative() {
        try {
            return Conscrypt.isAvailable() ? Optional.of(Conscrypt.newProvider()) : Optional.empty();
        } catch (LinkageError | RuntimeException e) {
            // No native library for this platform, or a temp directory it cannot load from.
            return Optional.empty();
        }
    }
}
