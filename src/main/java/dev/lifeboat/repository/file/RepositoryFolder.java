package dev.lifeboat.repository.file;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.store.ForeignObject;
import dev.lifeboat.repository.store.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The folder of a file store, read as untrusted storage: whoever can write into it must not make
 * Lifeboat read, write or delete anything outside it. The folders on the way to a key must be real
 * folders, files are opened without following links, and nothing is deleted that does not lie
 * under the root once every link is resolved.
 */
final class RepositoryFolder {
    private final Path root;

    RepositoryFolder(Path root) {
        this.root = root;
    }

    /** The path of {@code key}; refused when a folder on the way to it is a link. */
    Path path(String key) throws ForeignObject {
        Keys.require(key);
        String[] segments = key.split("/");
        Path path = root;
        for (int i = 0; i < segments.length; i++) {
            path = path.resolve(segments[i]);
            if (i < segments.length - 1 && Files.isSymbolicLink(path)) {
                throw ForeignObject.link(String.join("/", java.util.Arrays.copyOf(segments, i + 1)));
            }
        }
        return path;
    }

    /** The folder of {@code folderKey} (the root for ""), refused when it or one on the way is a link. */
    Path folder(String folderKey) throws ForeignObject {
        if (folderKey.isEmpty()) {
            return root;
        }
        Path folder = path(folderKey);
        if (Files.isSymbolicLink(folder)) {
            throw ForeignObject.link(folderKey);
        }
        return folder;
    }

    /** The attributes of the entry itself (never a link's target); empty when it does not exist. */
    static Optional<BasicFileAttributes> attributes(Path path) throws IOException {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            if (String.valueOf(e.getReason()).contains("Not a directory")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The attributes of a plain file at {@code key}; a link, folder or device there is refused. */
    Optional<BasicFileAttributes> plainFile(String key, Path path) throws IOException {
        Optional<BasicFileAttributes> attributes = attributes(path);
        if (attributes.isPresent() && !attributes.get().isRegularFile()) {
            throw attributes.get().isSymbolicLink() ? ForeignObject.link(key) : ForeignObject.notAFile(key);
        }
        return attributes;
    }

    /** The bytes of a small plain file, read without following a link; empty when it does not exist. */
    Optional<byte[]> readSmall(String key, int limit) throws IOException {
        Path path = path(key);
        if (plainFile(key, path).isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(ForeignObject.requireWithin(in.readNBytes(limit + 1), limit, key));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Opens a plain file for reading from {@code offset}, without following a link. */
    InputStream open(String key, long offset) throws IOException {
        Path path = path(key);
        plainFile(key, path);
        SeekableByteChannel channel = Files.newByteChannel(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        channel.position(offset);
        return Channels.newInputStream(channel);
    }

    /**
     * Deletes the entry at {@code key} (a link as a link) and then the folders it leaves empty,
     * except the root and its own folders ({@link Keys#prunableFolders}). Refused for anything that,
     * once links are resolved, does not lie under the root.
     */
    void delete(String key) throws IOException {
        Path path = path(key);
        requireInside(path);
        Files.deleteIfExists(path);
        DurableFiles.syncDirectory(path.getParent());
        for (String emptied : Keys.prunableFolders(key)) {
            Path dir = root.resolve(emptied);
            if (!isEmptyFolder(dir)) {
                return;
            }
            try {
                Files.delete(dir);
            } catch (IOException e) {
                return;   // someone wrote into it meanwhile
            }
            DurableFiles.syncDirectory(dir.getParent());
        }
    }

    static boolean isEmptyFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (var entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Refuses a path that, once links are resolved, does not lie under the root. */
    void requireInside(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (!parent.toRealPath().startsWith(root.toRealPath()) || !path.toAbsolutePath().normalize().startsWith(root)) {
            throw new LifeboatException(ExitCode.REPOSITORY, path + " lies outside the repository " + root
                    + " once its links are resolved; Lifeboat deletes nothing there; remove the link");
        }
    }
}
