package dev.lifeboat.repository;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Crash-safe file writes: temp name, fsync, atomic rename, fsync of the folder. Files are
 * private to their owner (0600), folders too (0700).
 */
public final class DurableFiles {
    public static final String TEMP_PREFIX = ".tmp-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private DurableFiles() {
    }

    public static FileAttribute<Set<PosixFilePermission>> privateFile() {
        return PosixFilePermissions.asFileAttribute(FILE_MODE);
    }

    public static FileAttribute<Set<PosixFilePermission>> privateFolder() {
        return PosixFilePermissions.asFileAttribute(DIR_MODE);
    }

    /** A temp name in {@code dir} that says which process owns it: {@code .tmp-PID-RANDOM-name}. */
    public static Path tempSibling(Path target) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        return target.resolveSibling(TEMP_PREFIX + ProcessHandle.current().pid() + "-"
                + HexFormat.of().formatHex(random) + "-" + target.getFileName());
    }

    /** Creates {@code dir} and missing parents as private folders, durably. */
    public static void createPrivateDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createPrivateDirectories(parent);
        }
        try {
            Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
        if (parent != null) {
            syncDirectory(parent);
        }
    }

    /**
     * Creates {@code target} whole with {@code content} unless it exists: the complete file appears
     * under its name at once (a hard link of a fsynced temp file), and of two processes creating
     * it at the same time exactly one succeeds. Returns false when it already existed.
     */
    public static boolean createOnce(Path target, byte[] content) throws IOException {
        Path temp = tempSibling(target);
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), privateFile())) {
                channel.write(ByteBuffer.wrap(content));
                channel.force(true);
            }
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                if (e instanceof FileAlreadyExistsException || Files.exists(target)) {
                    return false;
                }
                // A file system without hard links: a rename that refuses an existing target comes closest.
                Files.move(temp, target);
            }
            syncDirectory(target.toAbsolutePath().getParent());
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Atomically renames {@code from} to {@code to} and makes the rename durable. */
    public static void moveDurably(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(to.toAbsolutePath().getParent());
    }

    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
