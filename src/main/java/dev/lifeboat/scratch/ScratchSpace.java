package dev.lifeboat.scratch;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.ProcessOwner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder for short-lived working copies. Each scratch name carries the owner's pid, so the
 * next run can remove what a killed process left behind without touching live work.
 *
 * <p>The scratch root usually sits in a folder every user may write to ({@code /tmp}), where
 * anyone can plant a symbolic link or a folder of their own at the name we would use. So the root
 * and the folders in it are created with mkdir (which never follows a link), and an existing one
 * is used only if it is a real folder of this user. Every file is created empty and 0600 with
 * O_EXCL before anything writes to it: SQLite then gives its -wal, -shm and -journal the same
 * mode, and nothing is ever written through a link planted at the name.
 */
public final class ScratchSpace {
    public static final String PREFIX = ".lifeboat-scratch-";
    private static final List<String> COMPANIONS = List.of("", "-wal", "-shm", "-journal");
    /** Made on first use: setting up the JDK's security providers is start-up that listing backups never needs. */
    private SecureRandom random;
    private static final long MIB = 1 << 20;
    private final Path dir;
    private final Role role;

    /**
     * What the folder is to the user, which decides the exit code of a full disk and its fix: the
     * scratch folder is this machine's working space (exit 3, like the source side), the folder
     * beside a restore target belongs to the target (exit 8). Only a scratch root is Lifeboat's
     * own: it is created and checked; a target's folder is used as it is, and may well belong to
     * another user.
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

    /** A scratch root of Lifeboat's own, created on first use. */
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

    /** LIFEBOAT_SCRATCH_DIR if set, else {@code $TMPDIR/lifeboat-$USER} ({@code /tmp} without TMPDIR). */
    public static ScratchSpace fromEnvironment(java.util.Map<String, String> env) {
        String configured = env.get("LIFEBOAT_SCRATCH_DIR");
        if (configured != null && !configured.isBlank()) {
            return new ScratchSpace(Path.of(configured));
        }
        String tmp = env.getOrDefault("TMPDIR", "");
        String user = env.getOrDefault("USER", "");
        return new ScratchSpace(Path.of(tmp.isBlank() ? "/tmp" : tmp,
                "lifeboat-" + (user.isBlank() ? System.getProperty("user.name") : user)));
    }

    public Path dir() {
        return dir;
    }

    private synchronized SecureRandom random() {
        if (random == null) {
            random = new SecureRandom();
        }
        return random;
    }

    /** A fresh scratch file whose name ends in {@code label}: created empty, 0600, by this call. */
    public Path newFile(String label) {
        prepareRoot();
        byte[] bytes = new byte[4];
        random().nextBytes(bytes);
        Path file = dir.resolve(PREFIX + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(bytes)
                + "-" + label);
        create(file);
        return file;
    }

    /**
     * Deletes {@code file} with its companions and creates it again, empty and 0600: for a
     * writer such as VACUUM INTO that needs an empty file after a failed attempt.
     */
    public static void recreate(Path file) {
        delete(file);
        create(file);
    }

    /** Opens a file made by {@link #newFile} for writing from its start, never through a link. */
    public static FileChannel writeTo(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS);
    }

    private static void create(Path file) {
        try {
            Files.createFile(file, DurableFiles.privateFile());
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.FAILURE, "cannot create a scratch file in " + file.getParent()
                    + " (" + e.getMessage() + "); free space there or check its permissions", e);
        }
    }

    /** The private folder {@code name} in the scratch root, created 0700 if missing. */
    public Path folder(String name) {
        prepareRoot();
        Path folder = dir.resolve(name);
        try {
            createPrivateFolder(folder);
        } catch (IOException e) {
            throw cannotCreate(folder, e);
        }
        return folder;
    }

    /** Creates the scratch root 0700, or checks that the one there is this user's own real folder. */
    private void prepareRoot() {
        if (role != Role.SCRATCH) {
            return;
        }
        try {
            DurableFiles.createPrivateDirectories(dir.getParent());
            createPrivateFolder(dir);
        } catch (IOException e) {
            throw cannotCreate(dir, e);
        }
    }

    private static LifeboatException cannotCreate(Path folder, IOException e) {
        return new LifeboatException(ExitCode.FAILURE, "cannot create scratch folder " + folder + " ("
                + e.getMessage() + "); set LIFEBOAT_SCRATCH_DIR or --scratch-dir to a writable folder", e);
    }

    private static void createPrivateFolder(Path folder) throws IOException {
        try {
            Files.createDirectory(folder, DurableFiles.privateFolder());
            DurableFiles.syncDirectory(folder.getParent());
            return;
        } catch (FileAlreadyExistsException e) {
            // Checked below, without following a link.
        }
        String problem = problem(folder);
        if (problem != null) {
            throw new LifeboatException(ExitCode.SOURCE, "scratch folder " + folder + " " + problem
                    + " (Lifeboat writes its copies only into a real folder of your own); remove it, or set"
                    + " LIFEBOAT_SCRATCH_DIR to a folder you own");
        }
    }

    /** Why an existing {@code folder} must not hold scratch files, or null if it may. */
    private static String problem(Path folder) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(folder, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        return attributes.isSymbolicLink() ? "is a symbolic link"
                : !attributes.isDirectory() ? "is not a folder"
                : !isOwnedByThisUser(folder) ? "belongs to another user" : null;
    }

    private static boolean isOwnedByThisUser(Path folder) throws IOException {
        int owner = (Integer) Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        return owner == new com.sun.security.auth.module.UnixSystem().getUid();
    }

    /** Fails before any work when the scratch folder cannot hold {@code bytes} more. */
    public void requireSpace(long bytes, String forWhat) {
        prepareRoot();
        try {
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
        try {
            // Never through a link or in another user's folder: those are refused before any use.
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || role == Role.SCRATCH && problem(dir) != null) {
                return 0;
            }
        } catch (IOException e) {
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
