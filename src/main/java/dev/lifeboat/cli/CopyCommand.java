package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repository;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "copy", description = "Copy a backup to another repository as it is stored (no decryption);"
        + " its size and SHA-256 are checked against the manifest before the manifest is written there.")
final class CopyCommand implements Callable<Integer> {
    private final Services services;

    CopyCommand(Services services) {
        this.services = services;
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BACKUP_ID|latest", description = RepositoryArgs.BACKUP_HELP)
    String backup;

    @Option(names = "--from", required = true, paramLabel = "REPO", description = "The repository that has it.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "REPO", description = "The repository to copy it to.")
    String to;

    @Option(names = "--name", paramLabel = "NAME", description = "With 'latest': whose latest backup.")
    String name;

    @Override
    public Integer call() throws Exception {
        try (Repository source = services.repository(from); Repository target = services.repository(to)) {
            BackupSelector.Selection selection = BackupSelector.choose(source, backup, name, null);
            selection.note().ifPresent(note -> spec.commandLine().getErr().println("warning: " + note));
            Manifest manifest = selection.manifest();
            long start = System.nanoTime();
            services.copier().copy(source, manifest, target);
            PrintWriter out = spec.commandLine().getOut();
            JsonOutput json = JsonOutput.of(spec);
            if (json.enabled()) {
                json.document("copy", java.util.Map.of("backup", manifest, "from", source.location(), "to",
                        target.location()));
            } else {
                out.println("copied " + manifest.id() + " of " + manifest.name() + " from " + source.location()
                        + " to " + target.location());
                out.printf(java.util.Locale.ROOT, "  %s stored, size and SHA-256 equal to the manifest; %.1f s%n",
                        Sizes.human(manifest.seal().storedSize()), (System.nanoTime() - start) / 1e9);
            }
        }
        return ExitCode.OK.code();
    }
}
