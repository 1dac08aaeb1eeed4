package dev.lifeboat.secret;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A database's own key, as SQLCipher takes it: a passphrase, or a raw key written {@code x'HEX'}
 * (64 hex digits, or 96 with the salt). It comes from an environment variable or a file, never
 * from a command line, and it prints as where it came from, never as itself.
 */
public final class DatabaseKey {
    private static final Pattern RAW = Pattern.compile("x'([0-9a-fA-F]{64}|[0-9a-fA-F]{96})'");
    private final String text;
    private final String origin;

    private DatabaseKey(String text, String origin) {
        this.text = text;
        this.origin = origin;
    }

    /** The key in environment variable {@code variable}; a usage error if it is unset or empty. */
    public static DatabaseKey fromEnvironment(Map<String, String> env, String variable) {
        String value = env.get(variable);
        String origin = "the variable " + variable;
        if (value == null || value.isEmpty()) {
            throw new LifeboatException(ExitCode.KEY, "the database key variable " + variable + " is not set;"
                    + " export the key in it, or give the key another way (key-file=PATH, or --key-env/--key-file)");
        }
        return parse(value, origin);
    }

    /** The key in {@code file}, without one trailing line break. */
    public static DatabaseKey fromFile(Path file) {
        String origin = "the file " + file;
        String value;
        try {
            value = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.USAGE, "cannot read the database key file " + file + " ("
                    + e.getClass().getSimpleName() + "); check the path and its permissions");
        }
        if (value.endsWith("\n")) {
            value = value.substring(0, value.length() - (value.endsWith("\r\n") ? 2 : 1));
        }
        if (value.isEmpty()) {
            throw new LifeboatException(ExitCode.USAGE, "the database key file " + file + " is empty; put the"
                    + " key in it");
        }
        return parse(value, origin);
    }

    private static DatabaseKey parse(String value, String origin) {
        if (value.regionMatches(true, 0, "x'", 0, 2)) {
            if (!RAW.matcher(value).matches()) {
                throw new LifeboatException(ExitCode.USAGE, "the raw key in " + origin + " is malformed; write it"
                        + " as x'…' with 64 hex digits (or 96 with the salt)");
            }
            return new DatabaseKey(value.toLowerCase(Locale.ROOT), origin);
        }
        return new DatabaseKey(value, origin);
    }

    /** Where the key came from, for messages: "the variable APP_KEY". */
    public String origin() {
        return origin;
    }

    public boolean isRaw() {
        return RAW.matcher(text).matches();
    }

    /** The key as SQLCipher's {@code PRAGMA key} takes it. Secret: never log or print it. */
    public String secretText() {
        return text;
    }

    /**
     * The key in hex: of the raw key's bytes for a raw key, of the passphrase's UTF-8 bytes
     * otherwise. Hex needs no quoting in SQL or URIs. Secret: never log or print it.
     */
    public String secretHex() {
        return isRaw() ? text.substring(2, text.length() - 1)
                : java.util.HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Removes every trace of this key from a text that may echo it (SQL, URIs, error messages). */
    public String scrub(String message) {
        if (message == null) {
            return "";
        }
        String scrubbed = message.replace(text, "***").replace(Uris.encode(text), "***");
        scrubbed = Pattern.compile(Pattern.quote(secretHex()), Pattern.CASE_INSENSITIVE).matcher(scrubbed)
                .replaceAll("***");
        return scrubbed.replaceAll("file:[^\\s'\"]*", "file:***");
    }

    @Override
    public String toString() {
        return "database key from " + origin;
    }
}
