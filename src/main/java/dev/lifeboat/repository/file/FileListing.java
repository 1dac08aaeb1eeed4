package dev.lifeboat.repository.file;

import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks a folder of a file store without following links: plain files are objects, temp files of
 * puts under way are {@link Store.Unfinished unfinished}, and anything else (a link, a device) is
 * a {@link Store.StoredObject#foreign foreign} entry.
 */
final class FileListing {
    /** {@code .tmp-PID-RANDOM-NAME}, as {@link DurableFiles#tempSibling} makes them. */
    private static final Pattern TEMP = Pattern.compile(Pattern.quote(DurableFiles.TEMP_PREFIX) + "(\\d{1,18})-[0-9a-f]+-(.+)");
    private final List<Store.StoredObject> objects = new ArrayList<>();
    private final List<Store.Unfinished> unfinished = new ArrayList<>();

    private FileListing() {
    }

    /** Everything under {@code folder} (the folder of key {@code folderKey}) whose first name starts with {@code names}. */
    static FileListing walk(Path folder, String folderKey, String names) throws IOException {
        FileListing listing = new FileListing();
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return listing;
        }
        String base = folderKey.isEmpty() ? "" : folderKey + "/";
        Files.walkFileTree(folder, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                        return dir.equals(folder) || folder.relativize(dir).toString().startsWith(names)
                                || !dir.getParent().equals(folder) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        String relative = folder.relativize(file).toString();
                        if (relative.startsWith(names) || !file.getParent().equals(folder)) {
                            listing.add(base + relative, file.getFileName().toString(), attributes);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;   // removed while the walk went on
                        }
                        throw e;
                    }
                });
        listing.objects.sort(Comparator.comparing(Store.StoredObject::key));
        listing.unfinished.sort(Comparator.comparing(Store.Unfinished::id));
        return listing;
    }

    private void add(String key, String name, BasicFileAttributes attributes) {
        java.time.Instant modified = attributes.lastModifiedTime().toInstant();
        if (name.startsWith(DurableFiles.TEMP_PREFIX) && attributes.isRegularFile()) {
            String parent = key.substring(0, key.length() - name.length());
            Matcher temp = TEMP.matcher(name);
            unfinished.add(temp.matches()
                    ? new Store.Unfinished(parent + temp.group(2), key, modified, OptionalLong.of(Long.parseLong(temp.group(1))))
                    : new Store.Unfinished(parent + name, key, modified, OptionalLong.empty()));
        } else if (attributes.isRegularFile()) {
            objects.add(new Store.StoredObject(key, attributes.size(), modified));
        } else {
            objects.add(Store.StoredObject.foreign(key, modified));
        }
    }

    List<Store.StoredObject> objects() {
        return objects;
    }

    List<Store.Unfinished> unfinished() {
        return unfinished;
    }
}
