package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.wal.WalPush;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "wal-push", description = "Archive one WAL file as PostgreSQL's archive_command"
        + " (archive_command = 'lifeboat wal-push %%p --repo REPO --recipient age1…'): compressed, encrypted for"
        + " public keys only, checksummed and durable in every repository before it exits 0.")
final class WalPushCommand implements Callable<Integer> {
    private final Services services;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to archive: PostgreSQL's %%p.")
    Path file;

    @Option(names = "--repo", paramLabel = "REPO", description = "Repository: "
            + dev.lifeboat.repository.Repositories.FORMS + "; add #optional when the file may be archived without it (repeatable; every other one must"
            + " store the file before wal-push exits 0).")
    List<String> repos;

    @Option(names = "--job", paramLabel = "NAME", description = "Archive into the repositories of this physical"
            + " job of --config, encrypted as it says.")
    String job;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "lifeboat.yaml",
            description = "The config file for --job (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".",
            description = "The cluster's data directory, for its system identifier (default: the working"
                    + " directory, where PostgreSQL runs archive_command).")
    Path dataDir;

    @Option(names = "--compress", defaultValue = "zstd", paramLabel = "zstd|gzip|none",
            description = "Compression (default: ${DEFAULT-VALUE}).")
    String compress;

    @Option(names = "--level", paramLabel = "N", description = "Compression level (zstd 1-19, gzip 1-9).")
    Integer level;

    @Option(names = "--push-ahead", paramLabel = "N", defaultValue = "0", description = "Also archive up to N more"
            + " files PostgreSQL has ready, marking each in DIR/" + WalPush.ARCHIVED + " once durable, for an"
            + " archive_command that acknowledges them without starting Lifeboat (see the README; default:"
            + " ${DEFAULT-VALUE}).")
    int pushAhead;

    @Mixin
    EncryptionOptions encryption;

    WalPushCommand(Services services) {
        this.services = services;
    }

    /**
     * This command line as if run in {@code base}, PostgreSQL's data directory: its files, config and
     * folder repositories made absolute there. Empty when it needs a secret of its own process.
     */
    Optional<WalPushCommand> resolvedAgainst(Path base) {
        if (encryption.needsSecret()) {
            return Optional.empty();
        }
        file = base.resolve(file);
        dataDir = base.resolve(dataDir);
        config = base.resolve(config);
        repos = repos == null ? null : repos.stream().map(r -> Repositories.absolute(r, base)).toList();
        encryption.resolveAgainst(base);
        return Optional.of(this);
    }

    @Override
    public Integer call() throws Exception {
        List<String> specs = new ArrayList<>();
        List<String> optionalSpecs = new ArrayList<>();
        EncryptionRequest request = encryption.request(services);
        if (job != null) {
            JobConfig chosen = services.config(config).job(job);
            chosen.repositories().forEach(r -> {
                specs.add(r.spec());
                if (r.optional()) {
                    optionalSpecs.add(r.spec());
                }
            });
            if (request instanceof EncryptionRequest.FromPins) {
                request = chosen.encryption().toRequest();
            }
        } else if (repos != null) {
            for (String r : repos) {
                RepositoryArgs args = RepositoryArgs.parse(r);
                specs.add(args.spec());
                if (!args.required()) {
                    optionalSpecs.add(args.spec());
                }
            }
        } else {
            throw new LifeboatException(ExitCode.USAGE, "give --repo REPO, or --job NAME with --config FILE");
        }
        Compression compression = Compression.parse(compress);
        List<Repository> repositories = new ArrayList<>();
        java.util.Set<String> optional = new java.util.HashSet<>();
        try {
            for (String repoSpec : specs) {
                Repository repository = services.repository(repoSpec);
                repositories.add(repository);
                if (optionalSpecs.contains(repoSpec)) {
                    optional.add(repository.location());
                }
            }
            WalPush.Archived archived = new WalPush(services.clock).archive(file, dataDir, repositories, optional,
                    request, compression, compression.checkedLevel(level), pushAhead);
            WalPush.Result result = archived.result();
            List<String> ahead = archived.ahead();
            JsonOutput json = JsonOutput.of(spec);
            if (json.enabled()) {
                json.document("wal-push", result);
            }
            spec.commandLine().getErr().println("archived " + result.name() + (result.alreadyThere().isEmpty() ? ""
                    : " (already in " + String.join(", ", result.alreadyThere()) + ")")
                    + (ahead.isEmpty() ? "" : ", and ahead " + String.join(", ", ahead)));
            result.missed().forEach(m -> spec.commandLine().getErr().println("lifeboat: warning: optional repository "
                    + m + " missed " + result.name()));
            return ExitCode.OK.code();
        } finally {
            repositories.forEach(Repository::close);
        }
    }
}
