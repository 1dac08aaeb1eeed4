package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.catalog.Catalog;
import dev.lifeboat.catalog.CatalogRebuild;
import dev.lifeboat.repository.Repository;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "catalog", description = "The local index of runs and backups.",
        subcommands = CatalogCommand.RebuildCommand.class)
final class CatalogCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: rebuild");
    }

    @Command(name = "rebuild", description = "Recreate the catalog from the repositories' manifests and"
            + " verification records (the repositories are the truth).")
    static final class RebuildCommand implements Callable<Integer> {
        private final Services services;

        @Spec
        CommandSpec spec;

        @Option(names = "--repo", paramLabel = "REPO", description = "Repositories to read (default: those the"
                + " catalog knows).")
        List<String> repos;

        RebuildCommand(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws Exception {
            Catalog catalog = services.catalog(spec.commandLine().getErr()).orElseThrow(() -> new LifeboatException(
                    ExitCode.FAILURE, "the catalog cannot be opened; set LIFEBOAT_STATE_DIR to a writable folder"));
            List<String> locations = repos != null ? repos : catalog.knownRepositories();
            if (locations.isEmpty()) {
                throw new LifeboatException(ExitCode.USAGE, "the catalog knows no repository; name them with --repo");
            }
            List<Repository> repositories = locations.stream().map(services::repository).toList();
            int count;
            try {
                count = CatalogRebuild.rebuild(catalog, repositories);
            } finally {
                repositories.forEach(Repository::close);
            }
            JsonOutput json = JsonOutput.of(spec);
            if (json.enabled()) {
                json.document("catalog-rebuild", java.util.Map.of("repositories", locations, "backups", count));
            }
            spec.commandLine().getOut().println("catalog rebuilt from " + repositories.size() + " repositories: "
                    + count + " backups");
            return ExitCode.OK.code();
        }
    }
}
