package dev.lifeboat.scratch;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.ProcessOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder for short-lived working copies. Each scratch name carries the owner's pid, so the
 * next run can remove what a killed process left behind without touching live work.
 */
public final class ScratchSpace {
    public static final String PREFIX = ".lifeboat-scratch-";
    private static final List<String> COMPANIONS = List.of("", "-wal", "-shm", "-journal");
    private final SecureRandom random = new SecureRandom();
    private final Path dir;

    public ScratchSpace(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** LIFEBOAT_SCRATCH_DIR if set, else a private folder in the system temp folder. */
    public static ScratchSpace fromEnvironment(java.util.Map<String, String> env) {
        String configured = env.get("LIFEBOAT_SCRATCH_DIR");
        if (configured != null && !configured.isBlank()) {
            return new ScratchSpace(Path.of(configured));
        }
        return new ScratchSpace(Path.of(System.getProperty("java.io.tmpdir"),
                "lifeboat-" + System.getProperty("user.name")));
    }

    public Path dir() {
        return dir;
    }

    /** A fresh, not yet existing scratch path whose name ends in {@code label}. */
    public Path newFile(String label) {
        try {
            DurableFiles.createPrivateDirectories(dir);
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.FAILURE, "cannot create scratch folder " + dir + " ("
                    + e.getMessage() + "); set LIFEBOAT_SCRATCH_DIR or --scratch-dir to a writable folder", e);
        }
        byte[] bytes = new byte[4];
        random.nextBytes(bytes);
        return dir.resolve(PREFIX + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(bytes)
                + "-" + label);
    }

    /** Fails before any work when the scratch folder cannot hold {@code bytes} more. */
    public void requireSpace(long bytes, String forWhat) {
        try {
            DurableFiles.createPrivateDirectories(dir);
            long usable = Files.getFileStore(dir).getUsableSpace();
            if (usable < bytes) {
                throw new LifeboatException(ExitCode.FAILURE, "not enough space in scratch folder " + dir + " for "
                        + forWhat + ": about " + bytes / (1 << 20) + " MiB needed, " + usable / (1 << 20)
                        + " MiB free; free space there or set LIFEBOAT_SCRATCH_DIR to a larger disk");
            }
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.FAILURE, "cannot check scratch folder " + dir + " ("
                    + e.getMessage() + "); set LIFEBOAT_SCRATCH_DIR to a writable folder", e);
        }
    }

    /** Deletes a scratch database together with its -wal, -shm and -journal companions. */
    public static void delete(Path file) {
        for (String suffix : COMPANIONS) {
            try {
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
            } catch (IOException e) {
                // Left for removeLeftovers of the next run, which knows the owner is gone.
            }
        }
    }

    /** Removes scratch files whose owning process is gone; returns how many. */
    public int removeLeftovers() {
        return removeWhere(pid -> pid > 0 && ProcessOwner.isGone(pid));
    }

    /**
     * Removes this process's own scratch files: for a daemon that stops while a cancelled run may
     * still hold some. Open files are unlinked; their space returns when the run lets go.
     */
    public int removeOwn() {
        return removeWhere(pid -> pid == ProcessHandle.current().pid());
    }

    /** Deletes the scratch files whose owner pid matches; files it may not delete stay for a later run. */
    private int removeWhere(java.util.function.LongPredicate owner) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                if (owner.test(ProcessOwner.pidInName(file.getFileName().toString(), PREFIX))) {
                    try {
                        Files.deleteIfExists(file);
                        removed++;
                    } catch (IOException e) {
                        // Not ours to delete, or gone already: a later run's cleanup decides again.
                    }
                }
            }
        } catch (IOException e) {
            return removed;
        }
        return removed;
    }
}
