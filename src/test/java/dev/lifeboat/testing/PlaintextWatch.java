package dev.lifeboat.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Looks for a plaintext marker in every file under some folders, over and over while it runs, so
 * short-lived scratch files are caught too, and once more at the end.
 */
public final class PlaintextWatch implements AutoCloseable {
    private final byte[] marker;
    private final Set<String> hits = new ConcurrentSkipListSet<>();
    private final Set<String> seen = new ConcurrentSkipListSet<>();
    private final FolderPoller poller;

    public PlaintextWatch(String marker, List<Path> roots) {
        this.marker = marker.getBytes(StandardCharsets.UTF_8);
        this.poller = new FolderPoller("plaintext-watch", roots, path -> {
            if (Files.isRegularFile(path)) {
                check(path);
            }
        });
    }

    private void check(Path file) {
        try {
            if (file.getFileName().toString().endsWith(".jar")) {
                return;
            }
            byte[] content = Files.readAllBytes(file);
            seen.add(file.getFileName().toString());
            if (Grep.indexOf(content, marker) >= 0) {
                hits.add(file.toString());
            }
        } catch (IOException e) {
            // deleted meanwhile
        }
    }

    /** Files that held the marker at some point. */
    public Set<String> hits() {
        return new TreeSet<>(hits);
    }

    /** Names of all files looked at, to show the watch saw the scratch files. */
    public Set<String> seen() {
        return new TreeSet<>(seen);
    }

    @Override
    public void close() throws InterruptedException {
        poller.close();
    }
}
