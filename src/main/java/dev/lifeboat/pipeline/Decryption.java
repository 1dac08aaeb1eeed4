package dev.lifeboat.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** The decryption stage of the read path; holds secret material for as long as it lives. */
public interface Decryption {
    /**
     * Checks before any data is read that this decryption can open objects written for these
     * recipients, and fails with a message naming both sides otherwise.
     */
    void checkCanOpen(String scheme, List<String> recipients);

    InputStream decrypt(InputStream stored) throws IOException;

    Decryption NONE = new Decryption() {
        @Override
        public void checkCanOpen(String scheme, List<String> recipients) {
            if (!"none".equals(scheme)) {
                throw new dev.lifeboat.LifeboatException(dev.lifeboat.ExitCode.KEY,
                        "this backup is encrypted with " + scheme + "; give the key to open it"
                                + " (--identity-file FILE, --passphrase-env VAR or --pgp-private-key-stdin)");
            }
        }

        @Override
        public InputStream decrypt(InputStream stored) {
            return stored;
        }
    };
}
