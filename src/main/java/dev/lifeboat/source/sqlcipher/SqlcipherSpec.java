package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sqlcipher:PATH?key-env=VAR&legacy=3&...}: the file, where its key is, its cipher settings
 * and how long a backup waits for another backup of the same database. It holds no secret, so
 * its {@link #location()} is what manifests record, and verify reads the key the same way later.
 */
record SqlcipherSpec(Path file, KeyReference key, CipherSettings settings, Optional<Duration> lockWait) {
    static final String PREFIX = "sqlcipher:";
    private static final String LOCK_WAIT = "lock-wait";

    static SqlcipherSpec parse(String spec) {
        return parse(spec, Map.of());
    }

    /** @param overrides parameters that replace those in the spec (e.g. another key-env) */
    static SqlcipherSpec parse(String spec, Map<String, String> overrides) {
        String rest = spec.startsWith(PREFIX) ? spec.substring(PREFIX.length()) : spec;
        int question = rest.indexOf('?');
        String path = question < 0 ? rest : rest.substring(0, question);
        if (path.isEmpty()) {
            throw EngineFailure.request("no file in '" + spec + "'; write sqlcipher:PATH?key-env=VAR");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (question >= 0) {
            for (String pair : rest.substring(question + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                parameters.put(name, eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        if (overrides.containsKey(KeyReference.ENV) || overrides.containsKey(KeyReference.FILE)) {
            parameters.remove(KeyReference.ENV);
            parameters.remove(KeyReference.FILE);
        }
        parameters.putAll(overrides);
        for (String name : parameters.keySet()) {
            if (name.equals("key") || name.equals("hexkey") || name.equals("password")) {
                throw EngineFailure.request("never put a database key on the command line, where"
                        + " other users and logs can see it; use key-env=VAR or key-file=PATH");
            }
            if (!CipherSettings.isSetting(name) && !name.equals(KeyReference.ENV) && !name.equals(KeyReference.FILE)
                    && !name.equals(LOCK_WAIT)) {
                throw EngineFailure.request("unknown SQLCipher parameter '" + name + "'; use"
                        + " key-env, key-file, lock-wait or " + String.join(", ", CipherSettings.names()));
            }
        }
        Path file = Path.of(path).toAbsolutePath().normalize();
        return new SqlcipherSpec(file, KeyReference.of(parameters, file.toString()), CipherSettings.of(parameters),
                lockWait(parameters.get(LOCK_WAIT)));
    }

    private static Optional<Duration> lockWait(String seconds) {
        if (seconds == null) {
            return Optional.empty();
        }
        if (!seconds.matches("[0-9]{1,6}")) {
            throw EngineFailure.request("lock-wait=" + seconds + " is not a whole number of"
                    + " seconds");
        }
        return Optional.of(Duration.ofSeconds(Long.parseLong(seconds)));
    }

    /** The spec without secrets, as recorded in manifests: names the key's variable or file. */
    String location() {
        return PREFIX + file + "?" + key.spec() + "&" + settings.spec();
    }
}
