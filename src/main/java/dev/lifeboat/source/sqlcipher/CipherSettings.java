package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * SQLCipher's cipher settings for databases not on SQLCipher 4's defaults, as the spec names them
 * ({@code legacy=3}, {@code kdf-iter=64000}, {@code page-size=4096}, {@code hmac=off}, ...), and
 * as SQLite3MultipleCiphers takes them. {@code legacy} is always set (4 unless given) and comes
 * first, because it selects the version whose defaults the other settings then override.
 */
record CipherSettings(Map<String, String> values) {
    /** Spec name → SQLite3MultipleCiphers parameter, in the order they must be applied. */
    private static final Map<String, String> PARAMETERS = parameters();

    CipherSettings {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    private static Map<String, String> parameters() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("legacy", "legacy");
        names.put("kdf-iter", "kdf_iter");
        names.put("page-size", "legacy_page_size");
        names.put("hmac", "hmac_use");
        names.put("hmac-algorithm", "hmac_algorithm");
        names.put("kdf-algorithm", "kdf_algorithm");
        names.put("plaintext-header", "plaintext_header_size");
        return java.util.Collections.unmodifiableMap(names);
    }

    static boolean isSetting(String name) {
        return PARAMETERS.containsKey(name);
    }

    static List<String> names() {
        return List.copyOf(PARAMETERS.keySet());
    }

    /** Checks and orders the given settings; a usage error names the bad one. */
    static CipherSettings of(Map<String, String> given) {
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put("legacy", "4");
        for (String name : PARAMETERS.keySet()) {
            String value = given.get(name);
            if (value != null) {
                ordered.put(name, check(name, value));
            }
        }
        return new CipherSettings(ordered);
    }

    private static String check(String name, String value) {
        boolean ok = switch (name) {
            case "legacy" -> value.matches("[1-4]");
            case "kdf-iter" -> value.matches("[1-9][0-9]{0,8}");
            case "page-size" -> value.matches("[0-9]{3,5}") && Integer.bitCount(Integer.parseInt(value)) == 1
                    && Integer.parseInt(value) >= 512 && Integer.parseInt(value) <= 65536;
            case "hmac" -> value.matches("on|off");
            case "hmac-algorithm", "kdf-algorithm" -> value.matches("sha1|sha256|sha512");
            case "plaintext-header" -> value.matches("[0-9]{1,3}") && Integer.parseInt(value) <= 100;
            default -> false;
        };
        if (!ok) {
            throw EngineFailure.request("the SQLCipher setting " + name + "=" + value + " is not"
                    + " valid; use legacy=1..4, kdf-iter=N, page-size=512..65536 (a power of 2), hmac=on|off,"
                    + " hmac-algorithm/kdf-algorithm=sha1|sha256|sha512, plaintext-header=0..100");
        }
        return value;
    }

    /** The settings as SQLite3MultipleCiphers parameters, each with a numeric value. */
    Map<String, String> engineParameters() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((name, value) -> out.put(PARAMETERS.get(name), switch (value) {
            case "on" -> "1";
            case "off" -> "0";
            case "sha1" -> "0";
            case "sha256" -> "1";
            case "sha512" -> "2";
            default -> value;
        }));
        return out;
    }

    /** The same configuration as URI parameters, for files SQLite opens itself (VACUUM INTO, restore). */
    String uriParameters() {
        StringJoiner query = new StringJoiner("&");
        query.add("cipher=sqlcipher");
        engineParameters().forEach((name, value) -> query.add(name + "=" + value));
        return query.toString();
    }

    /** As written in a spec: {@code legacy=3&kdf-iter=64000}. */
    String spec() {
        StringJoiner query = new StringJoiner("&");
        values.forEach((name, value) -> query.add(name + "=" + value));
        return query.toString();
    }

    /** For messages: {@code legacy=3, kdf-iter=64000}. */
    String describe() {
        return spec().replace("&", ", ");
    }
}
