package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupResult;
import dev.lifeboat.backup.Destination;
import dev.lifeboat.backup.RepositoryOutcome;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.source.Source;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "backup", description = "Back up a database into one or more repositories in one pass.")
final class BackupCommand implements Callable<Integer> {
    private final Services services;

    BackupCommand(Services services) {
        this.services = services;
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "An SQLite file path or sqlite:PATH.")
    String source;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = "Repository: a folder, file:PATH"
            + " or s3://BUCKET/PREFIX?endpoint=URL&region=R; repeat for several; append #optional to one the"
            + " backup may succeed without.")
    List<String> repos;

    @Option(names = "--name", description = "Backup name; defaults to the source file's base name.")
    String name;

    @Option(names = "--compress", defaultValue = "zstd", paramLabel = "zstd|gzip|none",
            description = "Compression (default: ${DEFAULT-VALUE}).")
    String compress;

    @Option(names = "--level", paramLabel = "N", description = "Compression level (zstd 1-19, gzip 1-9).")
    Integer level;

    @Option(names = "--json", description = "Print the manifest, with per-repository results, as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Source from = services.engines.forSpec(source).source(source);
        Compression compression = Compression.parse(compress);
        StoredForm form = new StoredForm(compression, compression.checkedLevel(level), Encryption.NONE);
        String backupName = name == null ? from.defaultName() : Names.check(name);
        List<Destination> destinations = new ArrayList<>();
        try {
            for (String repo : repos) {
                RepositoryArgs args = RepositoryArgs.parse(repo);
                destinations.add(new Destination(services.repository(args.spec()), args.required()));
            }
            BackupResult result = services.backups().run(from, backupName, form, destinations);
            print(result);
            return finish(result);
        } finally {
            destinations.forEach(d -> d.repository().close());
        }
    }

    private void print(BackupResult result) {
        PrintWriter out = spec.commandLine().getOut();
        Manifest manifest = result.manifest();
        if (json) {
            out.println(manifest == null ? Json.writeString(result)
                    : Json.writeStringWith(manifest, "repositories", result.repositories()));
            return;
        }
        if (manifest != null) {
            out.println("backup " + manifest.id() + " of " + manifest.name() + " (" + manifest.source().kind()
                    + " " + manifest.source().location() + ")");
            out.println("  " + Output.summary(manifest));
        }
        for (RepositoryOutcome r : result.repositories()) {
            String where = r.repository() + (r.required() ? "" : " (optional)");
            out.println(r.stored()
                    ? String.format(Locale.ROOT, "  stored  %s: %s in %.1f s%s", where, Sizes.human(r.bytes()),
                            r.millis() / 1000.0, r.retried() ? " (after a retry)" : "")
                    : String.format(Locale.ROOT, "  FAILED  %s after %.1f s: %s", where, r.millis() / 1000.0,
                            r.error()));
        }
    }

    private int finish(BackupResult result) {
        Optional<RepositoryOutcome> failed = result.failedRequired();
        if (failed.isPresent()) {
            throw new LifeboatException(failed.get().failure().exitCode(), "the backup did not reach required"
                    + " repository " + failed.get().repository() + ": " + failed.get().error());
        }
        if (!result.succeeded()) {
            RepositoryOutcome first = result.repositories().get(0);
            throw new LifeboatException(first.failure().exitCode(), "the backup reached no repository: "
                    + first.error());
        }
        PrintWriter err = spec.commandLine().getErr();
        String stored = result.repositories().stream().filter(RepositoryOutcome::stored).findFirst()
                .map(RepositoryOutcome::repository).orElseThrow();
        result.repositories().stream().filter(r -> !r.stored()).forEach(r -> err.println("warning: optional"
                + " repository " + r.repository() + " does not have backup " + result.manifest().id()
                + "; copy it there later with 'lifeboat copy " + result.manifest().id() + " --from " + stored
                + " --to " + r.repository() + "'"));
        return ExitCode.OK.code();
    }
}
