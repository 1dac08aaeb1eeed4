package dev.lifeboat.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** The encryption stage of the write path. Implementations hold public material only. */
public interface Encryption {
    /** Scheme name recorded in the manifest, e.g. {@code none}, {@code age}, {@code openpgp}. */
    String scheme();

    /** Public identities of whoever can decrypt; never secret material. */
    List<String> recipients();

    /** File name suffix for objects this stage writes, e.g. {@code .age}. */
    String extension();

    OutputStream encrypt(OutputStream stored) throws IOException;

    Encryption NONE = new Encryption() {
        @Override
        public String scheme() {
            return "none";
        }

        @Override
        public List<String> recipients() {
            return List.of();
        }

        @Override
        public String extension() {
            return "";
        }

        @Override
        public OutputStream encrypt(OutputStream stored) {
            return stored;
        }
    };
}
