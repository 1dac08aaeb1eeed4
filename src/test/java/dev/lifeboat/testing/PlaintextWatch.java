package dev.lifeboat.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;

/**
 * Looks for a plaintext marker in every file under some folders, over and over while it runs, so
 * short-lived scratch files are caught too, and once more at the end.
 */
public final class PlaintextWatch implements AutoCloseable {
    private final byte[] marker;
    private final List<Path> roots;
    private final Set<String> hits = new ConcurrentSkipListSet<>();
    private final Set<String> seen = new ConcurrentSkipListSet<>();
    private final Thread thread;
    private volatile boolean stop;

    public PlaintextWatch(String marker, List<Path> roots) {
        this.marker = marker.getBytes(StandardCharsets.UTF_8);
        this.roots = List.copyOf(roots);
        this.thread = new Thread(() -> {
            while (!stop) {
                scan();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "plaintext-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void scan() {
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    check(file);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // a file vanished while walking: the next pass looks again
            }
        }
    }

    private void check(Path file) {
        try {
            if (file.getFileName().toString().endsWith(".jar")) {
                return;
            }
            byte[] content = Files.readAllBytes(file);
            seen.add(file.getFileName().toString());
            if (indexOf(content, marker) >= 0) {
                hits.add(file.toString());
            }
        } catch (IOException e) {
            // deleted meanwhile
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
        stop = true;
        thread.join();
        scan();
    }
}
