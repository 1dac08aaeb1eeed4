package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A metrics file for node_exporter's textfile collector, replaced whole: written under a name the
 * collector skips (it reads only {@code *.prom}), synced, then renamed over the old one, so a scrape
 * never sees half a file. It is made 0644 before the rename: the collector runs as another user,
 * and the file holds no secrets (the same metrics the daemon serves, through the config's mask).
 */
final class MetricsTextfile {
    private MetricsTextfile() {
    }

    static void write(Path file, String metrics) {
        Path folder = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            throw new LifeboatException(ExitCode.SOURCE, "cannot write the metrics textfile " + file + ": the folder "
                    + folder + " does not exist; create it (node_exporter's --collector.textfile.directory) or fix"
                    + " the path");
        }
        Path temp = DurableFiles.tempSibling(file.resolveSibling(file.getFileName() + ".tmp"));
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), DurableFiles.privateFile())) {
                channel.write(ByteBuffer.wrap(metrics.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            DurableFiles.moveDurably(temp, file);
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.SOURCE, "cannot write the metrics textfile " + file + ": "
                    + Main.ioFailure(e), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // the temp name is never read by the collector; nothing more to do
            }
        }
    }
}
