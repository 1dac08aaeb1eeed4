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
    private static final long MIB = 1 << 20;
    private final SecureRandom random = new SecureRandom();
    private final Path dir;
    private final Role role;

    /**
     * What the folder is to the user, which decides the exit code of a full disk and its fix: the
     * scratch folder is this machine's working space (exit 3, like the source side), the folder
     * beside a restore target belongs to the target (exit 8).
     */
    public enum Role {
        SCRATCH("scratch folder", ExitCode.SOURCE,
                "free space there or set LIFEBOAT_SCRATCH_DIR to a folder on a disk with more room"),
        TARGET("folder of the restore target", ExitCode.TARGET,
                "free space there or restore to another --to; the target was not changed");

        private final String noun;
        private final ExitCode exit;
        private final String fix;

        Role(String noun, ExitCode exit, String fix) {
            this.noun = noun;
            this.exit = exit;
            this.fix = fix;
        }
    }

    public ScratchSpace(Path dir) {
        this(dir, Role.SCRATCH);
    }

    private ScratchSpace(Path dir, Role role) {
        this.dir = dir.toAbsolutePath().normalize();
        this.role = role;
    }

    /** The folder of a restore target, where its staged and preserved copies are written. */
    public static ScratchSpace besideTarget(Path dir) {
        return new ScratchSpace(dir, Role.TARGET);
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
                throw new LifeboatException(role.exit, role.noun + " " + dir + " is too full for " + forWhat
                        + ": about " + mib(bytes) + " MiB needed, " + usable / MIB + " MiB free; " + role.fix);
            }
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.FAILURE, "cannot check scratch folder " + dir + " ("
                    + e.getMessage() + "); set LIFEBOAT_SCRATCH_DIR to a writable folder", e);
        }
    }

    /**
     * The one line for a disk that filled up while writing {@code forWhat} here, which had asked
     * for about {@code bytes} (0 if unknown).
     */
    public LifeboatException full(String forWhat, long bytes, Throwable cause) {
        return new LifeboatException(role.exit, role.noun + " " + dir + " is full (no space left on device) while"
                + " writing " + forWhat + (bytes > 0 ? ": about " + mib(bytes) + " MiB needed" : "") + "; "
                + role.fix, cause);
    }

    /** Whole MiB, rounded up: a need is never shown as 0. */
    private static long mib(long bytes) {
        return (bytes + MIB - 1) / MIB;
    }

    /** A database file with its -wal: what a copy of it is at most. 0 if it cannot be read. */
    public static long databaseSize(Path file) {
        try {
            Path wal = file.resolveSibling(file.getFileName() + "-wal");
            return Files.size(file) + (Files.exists(wal) ? Files.size(wal) : 0);
        } catch (IOException e) {
            return 0;
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
