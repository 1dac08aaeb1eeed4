package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.source.Source;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "backup", description = "Back up a database into a repository.")
final class BackupCommand implements Callable<Integer> {
    private final Services services;

    BackupCommand(Services services) {
        this.services = services;
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "An SQLite file path, sqlite:PATH or postgresql://user@host:port/db.")
    String source;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = "Repository folder (or file:PATH).")
    List<String> repos;

    @Option(names = "--name", description = "Backup name; defaults to the source file's base name.")
    String name;

    @Option(names = "--compress", defaultValue = "zstd", paramLabel = "zstd|gzip|none",
            description = "Compression (default: ${DEFAULT-VALUE}).")
    String compress;

    @Option(names = "--level", paramLabel = "N", description = "Compression level (zstd 1-19, gzip 1-9).")
    Integer level;

    @Option(names = "--json", description = "Print the manifest as JSON.")
    boolean json;

    @Mixin
    PostgresFlags.Backup postgres = new PostgresFlags.Backup();

    @Override
    public Integer call() throws Exception {
        if (repos.size() > 1) {
            throw new LifeboatException(ExitCode.USAGE, "writing to several repositories in one run is not"
                    + " supported yet; run one backup per --repo");
        }
        List<Source> sources = services.engines(postgres.options()).forSpec(source).sources(source);
        Compression compression = Compression.parse(compress);
        StoredForm form = new StoredForm(compression, compression.checkedLevel(level), Encryption.NONE);
        Repository repository = Repositories.open(repos.get(0));
        PrintWriter out = spec.commandLine().getOut();
        if (sources.size() > 1) {
            return backUpEach(sources, form, repository, out);
        }
        Source from = sources.get(0);
        Manifest manifest = services.backups().run(from, name == null ? from.defaultName() : Names.check(name),
                form, repository);
        if (json) {
            out.println(Json.writeString(manifest));
        } else {
            print(out, manifest, repository);
        }
        return ExitCode.OK.code();
    }

    private static void print(PrintWriter out, Manifest manifest, Repository repository) {
        out.println("backup " + manifest.id() + " of " + manifest.name() + " (" + manifest.source().kind()
                + " " + manifest.source().location() + ") in " + repository.location());
        out.println("  " + Output.summary(manifest));
    }

    /** A whole server: one backup per source, named after it (after --name-); one failure stops no other. */
    private int backUpEach(List<Source> sources, StoredForm form, Repository repository, PrintWriter out)
            throws java.io.IOException {
        List<Manifest> manifests = new java.util.ArrayList<>();
        List<LifeboatException> failures = new java.util.ArrayList<>();
        for (Source from : sources) {
            try {
                Manifest manifest = services.backups().run(from, name == null ? from.defaultName()
                        : Names.check(name + "-" + from.defaultName()), form, repository);
                manifests.add(manifest);
                if (!json) {
                    print(out, manifest, repository);
                }
            } catch (LifeboatException e) {
                failures.add(e);
                out.println("FAILED " + from.location() + ": " + e.getMessage());
            }
        }
        if (json) {
            out.println(Json.writeString(manifests));
        }
        if (!failures.isEmpty()) {
            throw new LifeboatException(failures.get(0).exitCode(), failures.size() + " of " + sources.size()
                    + " backups failed, the first: " + failures.get(0).getMessage() + " (the others were stored;"
                    + " see above)");
        }
        return ExitCode.OK.code();
    }
}
