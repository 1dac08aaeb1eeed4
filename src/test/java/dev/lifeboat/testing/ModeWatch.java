package dev.lifeboat.testing;

import java.io.IOException;
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

/**
 * Records the mode of every file and folder under some folders, over and over while it runs, so
 * files that exist only for a moment are seen too, and once more at the end.
 */
public final class ModeWatch implements AutoCloseable {
    private final Map<Path, Set<String>> modes = new ConcurrentHashMap<>();
    private final FolderPoller poller;

    public ModeWatch(List<Path> roots) {
        this.poller = new FolderPoller("mode-watch", roots, this::record);
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
        poller.close();
    }
}
