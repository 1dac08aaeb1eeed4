package dev.lifeboat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Walks some folders over and over on a thread of its own, handing every path it finds to a
 * visitor, so files that exist only for a moment are seen too, and once more when closed. Links
 * are handed over, never followed.
 */
final class FolderPoller implements AutoCloseable {
    private final List<Path> roots;
    private final Consumer<Path> visitor;
    private final Thread thread;
    private volatile boolean stop;

    FolderPoller(String name, List<Path> roots, Consumer<Path> visitor) {
        this.roots = List.copyOf(roots);
        this.visitor = visitor;
        this.thread = new Thread(() -> {
            while (!stop) {
                scan();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void scan() {
        for (Path root : roots) {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> paths = Files.walk(root)) {
                paths.forEach(visitor);
            } catch (IOException | UncheckedIOException e) {
                // something vanished while walking: the next pass looks again
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join();
        scan();
    }
}
