package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.backup.BackupRunner;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "unlock", description = "Remove locks left by processes that are gone (stale locks of this"
        + " host are taken over automatically; use this for other hosts' locks).")
final class UnlockCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = RepositoryArgs.HELP)
    String repo;

    @Option(names = "--name", paramLabel = "NAME", description = "Only the lock of this database name.")
    String name;

    private final Services services;

    UnlockCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        List<String> removed;
        try (var repository = services.repository(repo)) {
            removed = repository.unlock(Optional.ofNullable(name).map(BackupRunner::lockScope));
        }
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            json.document("unlock", java.util.Map.of("repository", repo, "removed", removed));
        }
        removed.forEach(lock -> spec.commandLine().getOut().println("removed lock: " + lock));
        if (removed.isEmpty()) {
            spec.commandLine().getOut().println("no locks in " + repo);
        }
        return ExitCode.OK.code();
    }
}
