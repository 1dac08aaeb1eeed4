package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Pipeline;
import dev.lifeboat.repository.Repository;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cat", description = "Write a backup's plain snapshot to stdout, e.g. 'lifeboat cat latest"
        + " --repo R > app.db'. Exits non-zero if the stream proves corrupt.")
final class CatCommand implements Callable<Integer> {
    private final Services services;

    CatCommand(Services services) {
        this.services = services;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BACKUP_ID|latest", description = RepositoryArgs.BACKUP_HELP)
    String backup;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = RepositoryArgs.HELP)
    String repo;

    @Option(names = "--name", paramLabel = "NAME", description = "With 'latest': whose latest backup.")
    String name;

    @Mixin
    KeyOptions keyOptions;

    @Override
    public Integer call() throws Exception {
        if (JsonOutput.of(spec).enabled()) {
            throw new LifeboatException(ExitCode.USAGE, "cat writes the snapshot itself to stdout, so it has no --json;"
                    + " use 'lifeboat list --json' for what the repository holds");
        }
        if (dev.lifeboat.Terminal.STDOUT.isTerminal()) {
            throw new LifeboatException(ExitCode.USAGE, "refusing to write a binary snapshot to a terminal;"
                    + " redirect it, e.g. 'lifeboat cat " + backup + " --repo REPO > restored.db'");
        }
        try (Repository repository = services.repository(repo)) {
            return run(repository);
        }
    }

    private int run(Repository repository) throws Exception {
        BackupSelector.Selection selection = BackupSelector.choose(repository, backup, name, null);
        // stdout is the snapshot: which backup 'latest' chose over which goes to stderr.
        selection.note().ifPresent(note -> spec.commandLine().getErr().println("warning: " + note));
        Manifest manifest = selection.manifest();
        Decryption decryption = keyOptions.load(services).decryption(manifest);
        decryption.checkCanOpen(manifest.encryption().scheme(), manifest.encryption().recipients());
        ReaderWatch watch = new ReaderWatch(services.stdout);
        OutputStream stdout = new BufferedOutputStream(watch, 1 << 16);
        try (InputStream in = repository.openObject(manifest)) {
            try {
                Pipeline.unseal(in, stdout, Compression.parse(manifest.compression().algorithm()), decryption,
                        manifest.seal(), bytes -> { });
            } finally {
                stdout.flush();
            }
        } catch (java.io.IOException e) {
            if (watch.readerGone) {
                // The reader stopped early on purpose (e.g. 'pg_restore -l' reads only the archive's table of
                // contents, 'head'); like other Unix filters, end quietly.
                return ExitCode.OK.code();
            }
            throw e;
        }
        return ExitCode.OK.code();
    }

    /** Tells a reader that closed the pipe apart from a failure to read the backup. */
    private static final class ReaderWatch extends java.io.FilterOutputStream {
        private boolean readerGone;

        ReaderWatch(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            try {
                out.write(b, off, len);
            } catch (java.io.IOException e) {
                readerGone = true;
                throw e;
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            try {
                out.flush();
            } catch (java.io.IOException e) {
                readerGone = true;
                throw e;
            }
        }
    }
}
