package dev.lifeboat.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stock {@code gpg} with a throwaway GNUPGHOME. Passphrases reach gpg on stdin (loopback
 * pinentry), never on its command line. Close it to stop the gpg-agent it started.
 */
public final class GpgCli implements AutoCloseable {
    /** Key kinds GnuPG 2.2 makes: classic RSA and modern Curve25519 (ed25519 + cv25519 subkey). */
    public enum Kind {
        RSA("Key-Type: RSA\nKey-Length: 2048\nKey-Usage: sign\nSubkey-Type: RSA\nSubkey-Length: 2048\n"),
        CURVE25519("Key-Type: EDDSA\nKey-Curve: ed25519\nKey-Usage: sign\nSubkey-Type: ECDH\nSubkey-Curve: cv25519\n");

        private final String parameters;

        Kind(String parameters) {
            this.parameters = parameters;
        }
    }

    private final Cli cli;
    private final Path home;

    public GpgCli(Path workDir) {
        try {
            home = Files.createDirectory(workDir.resolve("gnupg"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // gpg calibrates key protection to ~100 ms of C per unlock, which costs seconds per key
            // here and in Java; a lower iteration count keeps the same S2K format and tests fast.
            Files.writeString(home.resolve("gpg-agent.conf"), "s2k-count 65536\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cli = new Cli(workDir).withEnv(Map.of("GNUPGHOME", home.toString()));
    }

    /** The throwaway GNUPGHOME, for running stock gpg the way a person would. */
    public Path home() {
        return home;
    }

    /** Generates a key (protected by {@code passphrase}, or unprotected when null); returns its fingerprint. */
    public String generate(Kind kind, String email, String passphrase) {
        String parameters = kind.parameters + "Subkey-Usage: encrypt\nName-Real: Lifeboat Test\nName-Email: "
                + email + "\nExpire-Date: 0\n"
                + (passphrase == null ? "%no-protection\n" : "Passphrase: " + passphrase + "\n") + "%commit\n";
        cli.ok(List.of("gpg", "--batch", "--gen-key"), parameters.getBytes(StandardCharsets.UTF_8));
        return fingerprintOf(email);
    }

    /** Generates an unprotected ed25519 key that can sign only; returns its fingerprint. */
    public String generateSignOnly(String email) {
        String parameters = "Key-Type: EDDSA\nKey-Curve: ed25519\nKey-Usage: sign\nName-Real: Sign Only\n"
                + "Name-Email: " + email + "\nExpire-Date: 0\n%no-protection\n%commit\n";
        cli.ok(List.of("gpg", "--batch", "--gen-key"), parameters.getBytes(StandardCharsets.UTF_8));
        return fingerprintOf(email);
    }

    private String fingerprintOf(String email) {
        String listing = cli.ok(List.of("gpg", "--batch", "--with-colons", "--list-keys", email)).out();
        return listing.lines().filter(l -> l.startsWith("fpr:")).findFirst()
                .map(l -> l.split(":")[9]).orElseThrow();
    }

    /** Fingerprints of the key's encryption subkeys. */
    public List<String> encryptionSubkeys(String fingerprint) {
        String listing = cli.ok(List.of("gpg", "--batch", "--with-colons", "--with-subkey-fingerprints",
                "--list-keys", fingerprint)).out();
        List<String> result = new ArrayList<>();
        boolean inEncryptionSubkey = false;
        for (String line : listing.lines().toList()) {
            String[] f = line.split(":", -1);
            if (f[0].equals("sub")) {
                inEncryptionSubkey = f[11].contains("e");
            } else if (f[0].equals("pub")) {
                inEncryptionSubkey = false;
            } else if (f[0].equals("fpr") && inEncryptionSubkey) {
                result.add(f[9]);
            }
        }
        return result;
    }

    public byte[] exportPublic(String fingerprint, boolean armor) {
        return exportPublic(List.of(fingerprint), armor);
    }

    public byte[] exportPublic(List<String> fingerprints, boolean armor) {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch"));
        if (armor) {
            command.add("--armor");
        }
        command.add("--export");
        command.addAll(fingerprints);
        return cli.ok(command).stdout();
    }

    public byte[] exportSecret(String fingerprint, String passphrase, boolean armor) {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--pinentry-mode", "loopback",
                "--passphrase-fd", "0"));
        if (armor) {
            command.add("--armor");
        }
        command.addAll(List.of("--export-secret-keys", fingerprint));
        return cli.ok(command, line(passphrase)).stdout();
    }

    public void encrypt(String fingerprint, Path in, Path out, boolean armor) {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--yes", "--trust-model", "always",
                "--recipient", fingerprint, "--output", out.toString()));
        if (armor) {
            command.add("--armor");
        }
        command.addAll(List.of("--encrypt", in.toString()));
        cli.ok(command);
    }

    /** Decrypts with the keys in this home; status lines (DECRYPTION_INFO …) are in stderr. */
    public Cli.Result decrypt(Path in, Path out, String passphrase) {
        return cli.run(List.of("gpg", "--batch", "--yes", "--status-fd", "2", "--pinentry-mode", "loopback",
                "--passphrase-fd", "0", "--output", out.toString(), "--decrypt", in.toString()), line(passphrase));
    }

    public String listPackets(Path in) {
        return cli.run(List.of("gpg", "--batch", "--list-packets", "--list-only", in.toString())).out();
    }

    private static byte[] line(String passphrase) {
        return ((passphrase == null ? "" : passphrase) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        cli.run(List.of("gpgconf", "--kill", "gpg-agent"));
    }
}
