package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repository;
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

    @Option(names = "--repo", required = true, paramLabel = "REPO")
    String repo;

    @Option(names = "--name", description = "Only backups with this name.")
    String name;

    @Option(names = "--json", description = "Print the manifests as a JSON array.")
    boolean json;

    @Mixin
    DatabaseKeyOptions key = new DatabaseKeyOptions();

    @Override
    public Integer call() throws Exception {
        List<Manifest> manifests;
        try (Repository repository = services.repository(repo)) {
            manifests = repository.manifests().stream().filter(m -> name == null || m.name().equals(name)).toList();
        }
        java.util.Optional<DatabaseKey> current = json ? java.util.Optional.empty() : key.key(services.env);
        if (json) {
            spec.commandLine().getOut().println(Json.writeString(manifests));
        } else if (current.isPresent()) {
            Output.table(spec.commandLine().getOut(), manifests, "KEY", m -> opens(m, current.get()));
        } else {
            Output.table(spec.commandLine().getOut(), manifests);
        }
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
