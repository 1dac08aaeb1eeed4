package dev.lifeboat.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A small real file system, to fill up or make read-only. Needs root, as CI has. */
public final class Tmpfs implements AutoCloseable {
    private final Path mountPoint;

    public Tmpfs(Path mountPoint, String size) throws Exception {
        this.mountPoint = Files.createDirectories(mountPoint);
        Tools.Output mounted = Tools.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs",
                mountPoint.toString()), Map.of(), null);
        if (mounted.exit() != 0) {
            fail("this test mounts a small tmpfs to simulate a full or read-only disk and must run as root"
                    + " (CI does): " + mounted.err().trim());
        }
    }

    public Path path() {
        return mountPoint;
    }

    public void makeReadOnly() {
        Tools.ok("mount", "-o", "remount,ro", mountPoint.toString());
    }

    @Override
    public void close() {
        Tools.run(List.of("umount", "-l", mountPoint.toString()), Map.of(), null);
    }
}
