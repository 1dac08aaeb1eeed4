package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.secret.DatabaseKey;
import java.nio.file.Path;
import java.util.Map;

/** Where the key of a database is found: {@code key-env=VAR} or {@code key-file=PATH}; no secret itself. */
record KeyReference(String parameter, String value) {
    static final String ENV = "key-env";
    static final String FILE = "key-file";

    /** From spec parameters; none given is a usage error that shows how to give one. */
    static KeyReference of(Map<String, String> parameters, String what) {
        String env = parameters.get(ENV);
        String file = parameters.get(FILE);
        if (env != null && file != null) {
            throw EngineFailure.request("give the key of " + what + " once: key-env or key-file,"
                    + " not both");
        }
        if (env == null && file == null) {
            throw EngineFailure.request("no key given for the SQLCipher database " + what
                    + "; add ?key-env=VAR (a variable holding the key) or ?key-file=PATH");
        }
        if (env != null && !env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw EngineFailure.request("key-env must name an environment variable; put the key"
                    + " itself in that variable, never on the command line");
        }
        // Recorded absolute, so verify finds the file again from any working folder.
        return env != null ? new KeyReference(ENV, env)
                : new KeyReference(FILE, Path.of(file).toAbsolutePath().normalize().toString());
    }

    DatabaseKey read(Map<String, String> env) {
        return ENV.equals(parameter) ? DatabaseKey.fromEnvironment(env, value) : DatabaseKey.fromFile(Path.of(value));
    }

    String spec() {
        return parameter + "=" + value;
    }
}
