package dev.lifeboat.repository.file;

import dev.lifeboat.repository.store.FolderListing;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The folders of a file store as {@link FolderListing} reads them: each entry judged without following a link. */
final class FileFolders implements FolderListing.Folders {
    private final RepositoryFolder folder;

    FileFolders(RepositoryFolder folder) {
        this.folder = folder;
    }

    @Override
    public List<FolderListing.Entry> entries(String dir) throws IOException {
        Path path = folder.folder(dir.isEmpty() ? "" : dir.substring(0, dir.length() - 1));
        List<FolderListing.Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return entries;
        }
        try (DirectoryStream<Path> listed = Files.newDirectoryStream(path)) {
            for (Path entry : listed) {
                // empty when removed while the folder was read
                Optional<BasicFileAttributes> found = RepositoryFolder.attributes(entry);
                found.ifPresent(a -> entries.add(new FolderListing.Entry(entry.getFileName().toString(),
                        a.isRegularFile() ? FolderListing.Kind.FILE : a.isDirectory() ? FolderListing.Kind.FOLDER
                                : FolderListing.Kind.OTHER, a.size(), a.lastModifiedTime().toInstant())));
            }
        } catch (NoSuchFileException e) {
            return List.of();   // removed while the listing went on
        }
        return entries;
    }
}
