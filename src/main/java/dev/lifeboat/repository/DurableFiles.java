package dev.lifeboat.repository;

import dev.lifeboat.repository.store.TempNames;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Private files and folders, made durably: files are private to their owner (0600) and folders
 * too (0700) from the moment they exist, and a new entry is made durable by an fsync of its
 * folder. (The file store's own writes, temp name, fsync and rename, are in {@code file/}.)
 */
public final class DurableFiles {
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

    /** A temp name beside {@code target} that says which process owns it ({@link TempNames}). */
    public static Path tempSibling(Path target) {
        return target.resolveSibling(TempNames.of(target.getFileName().toString()));
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

    /** Renames {@code from} over {@code to} atomically and makes the rename durable (the folder is synced). */
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
