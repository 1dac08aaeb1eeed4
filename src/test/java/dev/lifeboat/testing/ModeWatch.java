package dev.lifeboat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Records the mode of every file and folder under some folders, over and over while it runs, so
 * files that exist only for a moment are seen too, and once more at the end. Links are recorded,
 * never followed.
 */
public final class ModeWatch implements AutoCloseable {
    private final List<Path> roots;
    private final Map<Path, Set<String>> modes = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stop;

    public ModeWatch(List<Path> roots) {
        this.roots = List.copyOf(roots);
        this.thread = new Thread(() -> {
            while (!stop) {
                scan();
                try {
                    Thread.sleep(3);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "mode-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void scan() {
        for (Path root : roots) {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> paths = Files.walk(root)) {
                paths.forEach(this::record);
            } catch (IOException | UncheckedIOException e) {
                // something vanished while walking: the next pass looks again
            }
        }
    }

    private void record(Path path) {
        try {
            PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            String kind = attributes.isSymbolicLink() ? "l" : attributes.isDirectory() ? "d" : "-";
            modes.computeIfAbsent(path, p -> ConcurrentHashMap.newKeySet())
                    .add(kind + PosixFilePermissions.toString(attributes.permissions()));
        } catch (IOException e) {
            // deleted meanwhile
        }
    }

    /** Every path seen, with each mode it was seen with, e.g. {@code -rw-------} or {@code drwx------}. */
    public Map<Path, Set<String>> seen() {
        return new TreeMap<>(modes);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join();
        scan();
    }
}
