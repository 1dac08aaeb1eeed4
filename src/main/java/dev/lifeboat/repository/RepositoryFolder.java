package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The folder of a file repository, read as untrusted storage: whoever can write into it must not
 * make Lifeboat read, write or delete anything outside it. Folders inside must be real folders,
 * files are opened without following links, and nothing is deleted that does not lie under the
 * root once every link is resolved.
 */
final class RepositoryFolder {
    /** Far above any manifest, descriptor or record Lifeboat writes; a bigger one is not ours. */
    static final int SMALL_FILE_LIMIT = 4 << 20;
    private final Path root;

    RepositoryFolder(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** A folder the repository's layout owns (backups, locks, one backup): it must not be a link. */
    Path realFolder(Path folder) throws IOException {
        if (Files.isSymbolicLink(folder)) {
            throw new LifeboatException(ExitCode.REPOSITORY, folder + " is a symbolic link; a repository's own"
                    + " folders must be real folders, so Lifeboat will not use it; remove the link (someone with"
                    + " write access to the repository may have planted it)");
        }
        return folder;
    }

    /** The entries of a folder inside the repository, or none when it does not exist (any more). */
    List<Path> entries(Path folder) throws IOException {
        if (!Files.isDirectory(realFolder(folder), LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /**
     * The bytes of a small regular file, read without following a link; empty when it does not
     * exist. A link, a folder, a device or an oversized file is refused with {@code why}.
     */
    Optional<byte[]> readSmall(Path file) throws IOException, NotOurs {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotOurs(file.getFileName() + " is not a plain file");
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(SMALL_FILE_LIMIT + 1);
            if (bytes.length > SMALL_FILE_LIMIT) {
                throw new NotOurs(file.getFileName() + " is larger than any file Lifeboat writes there");
            }
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Opens a data object for reading without following a link. */
    InputStream openObject(Path file) throws IOException, NotOurs {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotOurs(file.getFileName() + " is not a plain file");
        }
        return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Deletes a backup's folder and the plain entries in it. Refused, with a one-line report, for
     * a folder that is a link or resolves outside the repository; links inside are removed as
     * links, never followed.
     */
    int deleteTree(Path dir) throws IOException {
        requireInside(dir);
        for (Path file : entries(dir)) {
            Files.deleteIfExists(file);
        }
        Files.deleteIfExists(dir);
        DurableFiles.syncDirectory(dir.getParent());
        return 1;
    }

    /** Refuses a path that, once links are resolved, does not lie under the repository's root. */
    void requireInside(Path path) throws IOException {
        realFolder(path);
        Path parent = path.toAbsolutePath().getParent();
        Path realRoot = root.toRealPath();
        if (!parent.toRealPath().startsWith(realRoot) || !path.toAbsolutePath().normalize().startsWith(root)) {
            throw new LifeboatException(ExitCode.REPOSITORY, path + " lies outside the repository " + root
                    + " once its links are resolved; Lifeboat deletes nothing there; remove the link");
        }
    }

    /** A file or folder whose kind shows it was not written by Lifeboat. */
    static final class NotOurs extends Exception {
        NotOurs(String reason) {
            super(reason);
        }
    }
}
