package dev.lifeboat.crypto;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.util.List;
import java.util.Locale;

/**
 * Scheme names as recorded in manifests, and the one-line messages for a key of the wrong kind.
 * Every message names public material only.
 */
final class Schemes {
    static final String NONE = "none";
    static final String AGE = "age";
    static final String OPENPGP = "openpgp";
    /** The recipient an age passphrase object records: scrypt has no public identity. */
    static final String SCRYPT = "scrypt";

    private Schemes() {
    }

    static boolean isAgePassphrase(String scheme, List<String> recipients) {
        return AGE.equals(scheme) && recipients.contains(SCRYPT);
    }

    /** The failure for a backup whose scheme or recipient kind does not fit the key given. */
    static LifeboatException wrongKind(String scheme, List<String> recipients, String youGave) {
        String needed = switch (scheme == null ? "" : scheme.toLowerCase(Locale.ROOT)) {
            case NONE -> "this backup is not encrypted; run without " + youGave;
            case AGE -> isAgePassphrase(AGE, recipients)
                    ? "this backup is encrypted with a passphrase; give it with --passphrase-env VAR instead of "
                            + youGave
                    : "this backup is encrypted for " + list(recipients)
                            + "; give a matching age identity with --identity-file FILE instead of " + youGave;
            case OPENPGP -> "this backup is encrypted with OpenPGP for key " + list(recipients)
                    + "; give its private key with --pgp-private-key-stdin instead of " + youGave;
            default -> "this backup uses encryption '" + scheme
                    + "', which this version of Lifeboat cannot open; upgrade Lifeboat";
        };
        boolean known = AGE.equals(scheme) || OPENPGP.equals(scheme);
        return new LifeboatException(known ? ExitCode.KEY : ExitCode.USAGE, needed);
    }

    static String list(List<String> names) {
        return names.isEmpty() ? "(no recorded recipient)" : String.join(", ", names);
    }
}
