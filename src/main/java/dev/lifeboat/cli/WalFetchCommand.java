package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.wal.ClusterFiles;
import dev.lifeboat.wal.WalFetch;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "wal-fetch", description = "Bring one archived WAL file back as PostgreSQL's restore_command"
        + " (restore_command = 'lifeboat wal-fetch %%f %%p --repo REPO --identity-file KEY'). Exits 1 when the"
        + " file was never archived (the end of recovery) and " + WalFetchCommand.STOP_RECOVERY + " when it is"
        + " damaged, unreadable or missing in the middle of the log, which makes PostgreSQL stop the recovery"
        + " instead of ending it early.")
final class WalFetchCommand implements Callable<Integer> {
    /** PostgreSQL aborts recovery when restore_command exits above 125, and ends it at any other failure. */
    static final int STOP_RECOVERY = 126;
    private final Services services;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The file to fetch: PostgreSQL's %%f.")
    String name;

    @Parameters(index = "1", paramLabel = "PATH", description = "Where to put it: PostgreSQL's %%p.")
    Path destination;

    @Option(names = "--repo", paramLabel = "REPO", required = true, description = "The repository.")
    String repo;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".",
            description = "The data directory being recovered, for its system identifier (default: the working"
                    + " directory, where PostgreSQL runs restore_command).")
    Path dataDir;

    @Option(names = "--prefetch", paramLabel = "N", defaultValue = "0", description = "After a segment, fetch the"
            + " next N into DIR/" + dev.lifeboat.wal.WalFetch.SPOOL + " for restore_command to take without"
            + " starting Lifeboat (default: ${DEFAULT-VALUE}).")
    int prefetch;

    @Mixin
    KeyOptions keyOptions;

    WalFetchCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        try (Repository repository = services.repository(RepositoryArgs.parse(repo).spec())) {
            String systemId = ClusterFiles.systemId(dataDir);
            dev.lifeboat.crypto.BackupKey key = keyOptions.load(services);
            WalFetch fetch = new WalFetch();
            WalFetch.Outcome outcome = fetch.fetch(repository, systemId, name, destination, key);
            if (outcome == WalFetch.Outcome.FETCHED && prefetch > 0) {
                fetch.prefetch(repository, systemId, name, dataDir.resolve(WalFetch.SPOOL), key.given(), prefetch,
                        java.nio.file.Files.size(destination));
            }
            JsonOutput json = JsonOutput.of(spec);
            if (json.enabled()) {
                json.document("wal-fetch", java.util.Map.of("name", name, "destination", destination.toString(),
                        "fetched", outcome != WalFetch.Outcome.NOT_ARCHIVED));
            }
            if (outcome == WalFetch.Outcome.NOT_ARCHIVED) {
                spec.commandLine().getErr().println("lifeboat: " + name + " is not archived in "
                        + repository.location());
                return ExitCode.FAILURE.code();
            }
            return ExitCode.OK.code();
        } catch (LifeboatException e) {
            spec.commandLine().getErr().println("lifeboat: " + e.getMessage());
            return STOP_RECOVERY;
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("lifeboat: " + Main.ioFailure(e));
            return STOP_RECOVERY;
        }
    }
}
