package dev.lifeboat.repository.store;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A listing of a store whose keys are paths of files in folders (a local folder, an SFTP server):
 * the folders a prefix reaches are read one by one, never through a link. Plain files are
 * objects, temp files ({@link TempNames}) are {@link Store.Unfinished unfinished} puts, and
 * anything else (a link, a device, a socket) is a {@link Store.StoredObject#foreign foreign}
 * entry, listed so that the layout can report it, and never read or followed.
 */
public final class FolderListing {
    /** What one folder entry is, judged without following a link. */
    public enum Kind { FILE, FOLDER, OTHER }

    /** One entry of a folder. */
    public record Entry(String name, Kind kind, long size, Instant modified) {
    }

    /** Reads one folder of the store. */
    @FunctionalInterface
    public interface Folders {
        /**
         * The entries of the folder at {@code dir} (a key ending in a slash, or empty for the root),
         * in any order; none when it does not exist.
         */
        List<Entry> entries(String dir) throws IOException;
    }

    private final Folders folders;
    private final boolean withPids;
    private final List<Store.StoredObject> objects = new ArrayList<>();
    private final List<Store.Unfinished> unfinished = new ArrayList<>();

    private FolderListing(Folders folders, boolean withPids) {
        this.folders = folders;
        this.withPids = withPids;
    }

    /**
     * Everything whose key starts with {@code prefix}, objects in key order.
     *
     * @param withPids whether temps report the pid their name carries (see {@link TempNames#unfinished})
     */
    public static FolderListing of(Folders folders, String prefix, boolean withPids) throws IOException {
        FolderListing listing = new FolderListing(folders, withPids);
        listing.walk(prefix.substring(0, prefix.lastIndexOf('/') + 1), Keys.requirePrefix(prefix));
        listing.objects.sort(Comparator.comparing(Store.StoredObject::key));
        listing.unfinished.sort(Comparator.comparing(Store.Unfinished::id));
        return listing;
    }

    private void walk(String dir, String prefix) throws IOException {
        List<String> below = new ArrayList<>();
        for (Entry entry : folders.entries(dir)) {
            String key = dir + entry.name();
            if (entry.kind() == Kind.FOLDER) {
                if ((key + "/").startsWith(prefix)) {
                    below.add(key + "/");
                }
            } else if (!key.startsWith(prefix)) {
                continue;
            } else if (entry.kind() == Kind.FILE && TempNames.isTemp(key)) {
                unfinished.add(TempNames.unfinished(key, entry.modified(), withPids));
            } else if (entry.kind() == Kind.FILE) {
                objects.add(new Store.StoredObject(key, entry.size(), entry.modified()));
            } else {
                objects.add(Store.StoredObject.foreign(key, entry.modified()));
            }
        }
        for (String folder : below) {
            walk(folder, prefix);
        }
    }

    public List<Store.StoredObject> objects() {
        return objects;
    }

    public List<Store.Unfinished> unfinished() {
        return unfinished;
    }
}
