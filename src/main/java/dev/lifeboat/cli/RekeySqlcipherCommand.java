package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.rekey.KeyRotation;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rekey-sqlcipher", description = "After an SQLCipher database's key changed: re-encrypt its"
        + " backups under the new key (through scratch copies that stay encrypted) and delete the old ones.")
final class RekeySqlcipherCommand implements Callable<Integer> {
    private final Services services;

    RekeySqlcipherCommand(Services services) {
        this.services = services;
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "REPO")
    String repo;

    @Option(names = "--name", description = "Only the backups with this name (default: every SQLCipher backup).")
    String name;

    @Option(names = "--old-key-env", paramLabel = "VAR", description = "The variable holding the old key.")
    String oldKeyEnv;

    @Option(names = "--old-key-file", paramLabel = "FILE", description = "A file holding the old key.")
    String oldKeyFile;

    @Option(names = "--new-key-env", paramLabel = "VAR", description = "The variable holding the new key.")
    String newKeyEnv;

    @Option(names = "--new-key-file", paramLabel = "FILE", description = "A file holding the new key.")
    String newKeyFile;

    @Option(names = "--json", description = "Print the outcome of each backup as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, String> oldKey = key("old", oldKeyEnv, oldKeyFile);
        Map<String, String> newKey = key("new", newKeyEnv, newKeyFile);
        KeyRotation rotation = new KeyRotation(services.engines, services.backups(), services.scratch,
                services.progress);
        List<KeyRotation.Outcome> outcomes;
        try (var repository = services.repository(repo)) {
            outcomes = rotation.rotate(repository, "sqlcipher", Optional.ofNullable(name), oldKey, newKey);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.writeString(outcomes));
        } else {
            for (KeyRotation.Outcome outcome : outcomes) {
                out.println((outcome.failed() ? "FAILED " : "") + outcome.backupId() + " " + outcome.name() + ": "
                        + outcome.detail());
            }
        }
        long failed = outcomes.stream().filter(KeyRotation.Outcome::failed).count();
        if (failed > 0) {
            throw new LifeboatException(ExitCode.INTEGRITY, failed + " backup(s) could not be re-keyed and still need"
                    + " the old key (see above); fix the cause and run rekey-sqlcipher again");
        }
        if (outcomes.isEmpty()) {
            out.println("no SQLCipher backups" + (name == null ? "" : " named " + name) + " in " + repo);
        }
        return ExitCode.OK.code();
    }

    private static Map<String, String> key(String which, String env, String file) {
        if ((env == null) == (file == null)) {
            throw new LifeboatException(ExitCode.USAGE, "give the " + which + " key once: --" + which + "-key-env VAR"
                    + " or --" + which + "-key-file FILE");
        }
        return env != null ? Map.of("key-env", env) : Map.of("key-file", file);
    }
}
