package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
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

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = RepositoryArgs.HELP)
    String repo;

    @Option(names = "--name", paramLabel = "NAME", description = "Only the backups with this name (default: every SQLCipher backup).")
    String name;

    @Option(names = "--old-key-env", paramLabel = "VAR", description = "The variable holding the old key.")
    String oldKeyEnv;

    @Option(names = "--old-key-file", paramLabel = "FILE", description = "A file holding the old key.")
    String oldKeyFile;

    @Option(names = "--new-key-env", paramLabel = "VAR", description = "The variable holding the new key.")
    String newKeyEnv;

    @Option(names = "--new-key-file", paramLabel = "FILE", description = "A file holding the new key.")
    String newKeyFile;

    @Option(names = "--retire-unopenable", description = "The old key is lost: take a fresh backup under the new key,"
            + " verify it, then delete every backup of --name the new key cannot open (listed first; needs --yes).")
    boolean retire;

    @Option(names = "--source", paramLabel = "SOURCE", description = "With --retire-unopenable: the database, e.g."
            + " sqlcipher:PATH?key-env=VAR (default: the path recorded with its newest backup, opened with the new"
            + " key).")
    String source;

    @Option(names = "--yes", description = "With --retire-unopenable: delete without asking again.")
    boolean yes;

    @picocli.CommandLine.Mixin
    KeyOptions keyOptions;

    @Override
    public Integer call() throws Exception {
        if (retire) {
            return retire();
        }
        Map<String, String> oldKey = key("old", oldKeyEnv, oldKeyFile);
        Map<String, String> newKey = key("new", newKeyEnv, newKeyFile);
        KeyRotation rotation = new KeyRotation(services.engines, services.backups(), services.scratch,
                services.progress);
        List<KeyRotation.Outcome> outcomes;
        try (var repository = services.repository(repo)) {
            outcomes = rotation.rotate(repository, "sqlcipher", Optional.ofNullable(name), oldKey, newKey);
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            json.document("rekey-sqlcipher", Map.of("outcomes", outcomes));
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

    private int retire() throws Exception {
        if (oldKeyEnv != null || oldKeyFile != null) {
            throw new LifeboatException(ExitCode.USAGE, "--retire-unopenable is for a lost old key; to re-key backups"
                    + " the old key still opens, leave --retire-unopenable out");
        }
        Map<String, String> newKey = key("new", newKeyEnv, newKeyFile);
        dev.lifeboat.secret.DatabaseKey key = newKeyEnv != null
                ? dev.lifeboat.secret.DatabaseKey.fromEnvironment(services.env, newKeyEnv)
                : dev.lifeboat.secret.DatabaseKey.fromFile(java.nio.file.Path.of(newKeyFile));
        PrintWriter out = spec.commandLine().getOut();
        try (var repository = services.repository(repo)) {
            dev.lifeboat.rekey.KeyRetirement.Plan plan = dev.lifeboat.rekey.KeyRetirement.plan(repository, name, key);
            dev.lifeboat.manifest.Manifest newest = plan.newest();
            String backupName = plan.name();
            List<dev.lifeboat.manifest.Manifest> doomed = plan.unopenable();
            JsonOutput json = JsonOutput.of(spec);
            java.util.Map<String, Object> document = new java.util.LinkedHashMap<>();
            document.put("name", backupName);
            document.put("unopenable", doomed.stream().map(dev.lifeboat.manifest.Manifest::id).toList());
            if (json.enabled()) {
                json.document("rekey-sqlcipher-retire", document);
            }
            if (doomed.isEmpty()) {
                out.println("the new key opens every backup of " + backupName + "; nothing to retire");
                return ExitCode.OK.code();
            }
            doomed.forEach(m -> out.println("unopenable " + m.id() + " " + backupName + " ("
                    + Output.TIME.format(m.startedAt()) + ")"));
            if (!yes) {
                throw new LifeboatException(ExitCode.NOT_CONFIRMED, doomed.size() + " backup(s) of " + backupName
                        + " cannot be opened with the new key (listed above); nothing was deleted; run again with --yes"
                        + " to back up under the new key, verify, and delete them");
            }
            dev.lifeboat.source.Source database = source != null ? services.engines.forSpec(source).source(source)
                    : services.engines.forKind(newest.source().kind()).source(newest.source().location(), newKey);
            dev.lifeboat.catalog.RunTracker tracker = services.tracker(spec.commandLine().getErr());
            dev.lifeboat.rekey.KeyRetirement.Result result = new dev.lifeboat.rekey.KeyRetirement(
                    services.backupService(tracker), services.verifyService(services.engines, tracker))
                    .retire(repository, repo, database, backupName, key, newKey, keyOptions.load(services));
            if (json.enabled()) {
                document.put("fresh", result.fresh());
                document.put("deleted", result.purge().deleted().stream().map(dev.lifeboat.manifest.Manifest::id)
                        .toList());
                document.put("kept_in_use", result.purge().keptInUse());
                json.document("rekey-sqlcipher-retire", document);
            }
            out.println("fresh backup " + result.fresh().id() + " of " + database.location() + " under the new key,"
                    + " verified");
            result.purge().deleted().forEach(m -> out.println("deleted " + m.id()));
            result.purge().keptReasons("lifeboat rekey-sqlcipher --retire-unopenable").forEach(out::println);
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
