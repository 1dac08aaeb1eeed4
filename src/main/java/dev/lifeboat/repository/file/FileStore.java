package dev.lifeboat.repository.file;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.store.FolderListing;
import dev.lifeboat.repository.store.Store;
import dev.lifeboat.repository.store.TempNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A store in a local (or mounted) folder; keys are paths under it. Guarantees:
 * <ul>
 * <li>a put is written to a private temp name ({@code .tmp-PID-RANDOM-NAME}, created with
 *     {@code O_EXCL}), fsynced and renamed over its key atomically, and the folder is fsynced: a
 *     reader sees the old object or the whole new one, also after a crash;</li>
 * <li>{@link #putIfAbsent} writes a complete temp file and hard-links it to the key, so the object
 *     appears whole and at most once even for processes on other hosts sharing the folder (a file
 *     system without hard links falls back to a rename that refuses an existing key);</li>
 * <li>read-after-write: once a put is committed every reader on this host sees it;</li>
 * <li>no link is followed: the folders on the way to a key must be real folders, files are opened
 *     with {@code O_NOFOLLOW}, and nothing outside the root is read, written or deleted;</li>
 * <li>files are created 0600 and folders 0700 whatever the umask; a delete removes the folders it
 *     empties, except the root's own folders, which concurrent writers may be about to use.</li>
 * </ul>
 * Temp files of a killed writer are reported by {@link #unfinished} with the writer's pid (from
 * {@link TempNames}); links and other entries that are not plain files are listed as foreign.
 */
public final class FileStore implements Store {
    private final Path root;
    private final RepositoryFolder folder;
    /** Whether a write of this store had to create the root folder, so {@link #removeIfEmpty} may remove it. */
    private volatile boolean rootCreated;

    public FileStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.folder = new RepositoryFolder(this.root);
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public Pending put(String key, long length) throws IOException {
        return new FilePut(parentsMade(folder.path(TempNames.requireNotTemp(key))));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) throws IOException {
        return CreateOnce.create(parentsMade(folder.path(TempNames.requireNotTemp(key))), content);
    }

    private Path parentsMade(Path target) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            rootCreated = true;
        }
        DurableFiles.createPrivateDirectories(target.getParent());
        return target;
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        return folder.open(key, offset);
    }

    @Override
    public Optional<byte[]> readSmall(String key, int limit) throws IOException {
        return folder.readSmall(key, limit);
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        return folder.plainFile(key, folder.path(key))
                .map(a -> new StoredObject(key, a.size(), a.lastModifiedTime().toInstant()));
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return listing(prefix).objects();
    }

    @Override
    public List<Unfinished> unfinished(String prefix) throws IOException {
        return listing(prefix).unfinished();
    }

    private FolderListing listing(String prefix) throws IOException {
        return FolderListing.of(new FileFolders(folder), prefix, true);
    }

    @Override
    public void abort(Unfinished put) throws IOException {
        folder.delete(put.id());
    }

    @Override
    public void delete(String key) throws IOException {
        folder.delete(key);
    }

    @Override
    public List<String> topLevel() throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new LifeboatException(ExitCode.REPOSITORY, root + " is a file, not a folder; choose a folder"
                    + " for the repository");
        }
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.map(e -> e.getFileName().toString()).filter(n -> !TempNames.isTemp(n))
                    .sorted().toList();
        }
    }

    /** Removes empty folders under the root, and the root itself when a write of this store made it. */
    @Override
    public void removeIfEmpty() throws IOException {
        for (String name : topLevel()) {
            Path entry = root.resolve(name);
            if (RepositoryFolder.isEmptyFolder(entry)) {
                Files.deleteIfExists(entry);
            }
        }
        if (rootCreated && RepositoryFolder.isEmptyFolder(root)) {
            Files.deleteIfExists(root);
        }
    }
}
