package dev.lifeboat.crypto;

import com.exceptionfactory.jagged.bech32.Bech32;
import com.exceptionfactory.jagged.bech32.Bech32Address;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** age X25519 recipients: the {@code age1…} public keys printed by {@code age-keygen}. */
public final class AgeRecipients {
    static final String HRP = "age";
    private static final int KEY_BYTES = 32;
    private static final String HOW = "give the public key that `age-keygen -y key.txt` prints (age1…),"
            + " or make a key with `age-keygen -o key.txt`";

    private AgeRecipients() {
    }

    /**
     * Reads a recipients file as {@code age -R} does: one {@code age1…} key per line, blank lines
     * and lines starting with {@code #} ignored.
     */
    public static List<String> readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new LifeboatException(ExitCode.USAGE, "recipients file " + file + " does not exist; " + HOW);
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.USAGE, "cannot read recipients file " + file + " ("
                    + e.getClass().getSimpleName() + "); check its permissions");
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                keys.add(canonical(line, "line " + (i + 1) + " of recipients file " + file));
            }
        }
        if (keys.isEmpty()) {
            throw new LifeboatException(ExitCode.USAGE, "recipients file " + file + " lists no recipient; " + HOW);
        }
        return List.copyOf(new LinkedHashSet<>(keys));
    }

    /** Validates recipients and returns them in canonical (lower-case) form, without duplicates. */
    public static List<String> validate(List<String> recipients) {
        if (recipients.isEmpty()) {
            throw new LifeboatException(ExitCode.USAGE, "no age recipient given; " + HOW);
        }
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < recipients.size(); i++) {
            keys.add(canonical(recipients.get(i).strip(), "recipient " + (i + 1)));
        }
        return List.copyOf(keys);
    }

    /** The {@code age1…} form of a raw X25519 public key. */
    static String encode(byte[] publicKey) {
        return Bech32.getEncoder().encode(HRP, publicKey).toString().toLowerCase(Locale.ROOT);
    }

    private static String canonical(String given, String where) {
        String lower = given.toLowerCase(Locale.ROOT);
        if (lower.startsWith("age-secret-key-")) {
            // Said without echoing it: the value is a secret that must not reach a log.
            throw new LifeboatException(ExitCode.USAGE, where + " is an age secret key, not a recipient;"
                    + " keep it off the backup server and " + HOW);
        }
        if (lower.startsWith("ssh-")) {
            throw new LifeboatException(ExitCode.USAGE, where + " is an SSH key; Lifeboat encrypts to age"
                    + " X25519 keys only: " + HOW);
        }
        if (!lower.startsWith("age1")) {
            throw new LifeboatException(ExitCode.USAGE, where + " is not an age public key; " + HOW);
        }
        try {
            Bech32Address address = Bech32.getDecoder().decode(lower);
            if (HRP.contentEquals(address.getHumanReadablePart()) && address.getData().length == KEY_BYTES) {
                return encode(address.getData());
            }
        } catch (IllegalArgumentException e) {
            // reported below with the value, which is public
        }
        throw new LifeboatException(ExitCode.USAGE, where + " (" + given
                + ") is not a valid age public key (bad length or checksum); " + HOW);
    }
}
