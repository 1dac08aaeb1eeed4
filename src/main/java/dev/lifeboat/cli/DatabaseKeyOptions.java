package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.secret.DatabaseKey;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** --key-env / --key-file: an SQLCipher database key for commands that open its backups. */
final class DatabaseKeyOptions {
    @Option(names = "--key-env", paramLabel = "VAR", description = "SQLCipher backups: the environment variable"
            + " holding the database key. verify: instead of the key-env/key-file recorded with the backup;"
            + " list: adds a KEY column saying which backups it opens.")
    String keyEnv;

    @Option(names = "--key-file", paramLabel = "FILE", description = "SQLCipher backups: a file holding the key.")
    String keyFile;

    /** As spec parameters ({@code key-env=VAR}); empty when neither was given. */
    Map<String, String> access() {
        if (keyEnv != null && keyFile != null) {
            throw new LifeboatException(ExitCode.USAGE, "give --key-env or --key-file, not both");
        }
        if (keyEnv != null) {
            return Map.of("key-env", keyEnv);
        }
        return keyFile != null ? Map.of("key-file", keyFile) : Map.of();
    }

    Optional<DatabaseKey> key(Map<String, String> env) {
        access();
        if (keyEnv != null) {
            return Optional.of(DatabaseKey.fromEnvironment(env, keyEnv));
        }
        return Optional.ofNullable(keyFile).map(file -> DatabaseKey.fromFile(Path.of(file)));
    }
}
