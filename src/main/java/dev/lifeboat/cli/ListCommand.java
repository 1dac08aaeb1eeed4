package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.backup.BackupStanding;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryContents;
import java.io.PrintWriter;
import java.util.Map;
import dev.lifeboat.secret.DatabaseKey;
import dev.lifeboat.secret.KeyCheck;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", description = "List the complete backups in a repository, oldest first.")
final class ListCommand implements Callable<Integer> {
    private final Services services;

    ListCommand(Services services) {
        this.services = services;
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = RepositoryArgs.HELP)
    String repo;

    @Option(names = "--name", paramLabel = "NAME", description = "Only backups with this name.")
    String name;

    @Mixin
    DatabaseKeyOptions key = new DatabaseKeyOptions();

    @Override
    public Integer call() throws Exception {
        boolean json = JsonOutput.of(spec).enabled();
        RepositoryContents contents;
        Map<String, BackupStanding> standings = new java.util.HashMap<>();
        List<Manifest> manifests;
        try (Repository repository = services.repository(repo)) {
            contents = repository.contents();
            manifests = contents.backups().stream().filter(m -> name == null || m.name().equals(name)).toList();
            for (Manifest m : manifests) {
                standings.put(m.id(), BackupStanding.of(repository, m));
            }
        }
        java.util.Optional<DatabaseKey> current = json ? java.util.Optional.empty() : key.key(services.env);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            // Each manifest with its 'standing': verification state, when, error, trusted, why not.
            JsonOutput.of(spec).document("list", Map.of("backups", manifests.stream().map(m -> Json.with(m, "standing",
                    standings.get(m.id()).state())).toList(), "damaged", contents.damaged()));
            return ExitCode.OK.code();
        }
        java.util.function.Function<Manifest, String> verification = m -> standings.get(m.id()).verification();
        if (current.isPresent()) {
            Output.table(out, manifests, "VERIFICATION", m -> verification.apply(m) + "  key: "
                    + opens(m, current.get()));
        } else {
            Output.table(out, manifests, "VERIFICATION", verification);
        }
        // A damaged manifest cannot say whose backup it is, so --name does not hide it.
        contents.damaged().forEach(d -> out.println(Output.damaged(d)));
        return ExitCode.OK.code();
    }

    /** From the key check recorded with an SQLCipher backup: whether the given key opens it. */
    private static String opens(Manifest manifest, DatabaseKey key) {
        String check = manifest.facts().properties().get("key_check");
        if (check == null) {
            return "-";
        }
        return KeyCheck.matches(check, key) ? "opens" : "other key";
    }
}
