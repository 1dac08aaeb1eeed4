package dev.lifeboat.repository.store;

import dev.lifeboat.repository.file.FileStore;
import dev.lifeboat.testing.Tmpfs;
import dev.lifeboat.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Folders on the local disk. Writes are refused by a read-only bind mount of the store's folder
 * (as root, whom permissions do not stop) or by taking away the write permission; a small tmpfs
 * is the full disk. Both mounts need root, as CI has.
 */
final class FileKind implements StoreKind {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private final Path dir;
    private final List<AutoCloseable> mounts = new ArrayList<>();
    private int stores;

    FileKind(Path dir) {
        this.dir = dir;
    }

    @Override
    public Store create() {
        return new FileStore(dir.resolve("store-" + ++stores));
    }

    @Override
    public Place placeOf(Store store) {
        return local(Path.of(store.location()));
    }

    @Override
    public Place place(String name) {
        return local(dir.resolve("places").resolve(name));
    }

    private static LocalPlace local(Path root) {
        return new LocalPlace(root, root.toString(), Map.of(), key -> root.resolve(key).toString());
    }

    @Override
    public Map<String, String> everythingBut(Place... places) throws Exception {
        return LocalPlace.fingerprints(dir, Arrays.stream(places).map(p -> ((LocalPlace) p).root()).toList());
    }

    @Override
    public Optional<AutoCloseable> refuseWrites(Store store) throws Exception {
        Path root = Files.createDirectories(Path.of(store.location()));
        if (!ROOT) {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("r-x------"));
            return Optional.of(() -> Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------")));
        }
        Tools.ok("mount", "--bind", root.toString(), root.toString());
        Tools.ok("mount", "-o", "remount,bind,ro", root.toString());
        return Optional.of(() -> Tools.run(List.of("umount", root.toString()), Map.of(), null));
    }

    @Override
    public Optional<Store> withRoomFor(long bytes) throws Exception {
        if (!ROOT) {
            return Optional.empty();
        }
        Tmpfs tmpfs = new Tmpfs(dir.resolve("small-" + ++stores), (bytes >> 10) + "k");
        mounts.add(tmpfs);
        return Optional.of(new FileStore(tmpfs.path().resolve("store")));
    }

    @Override
    public void stop() throws Exception {
        for (AutoCloseable mount : mounts) {
            mount.close();
        }
    }

    @Override
    public String prefix() {
        return "file:";
    }

    @Override
    public String toString() {
        return "file";
    }
}
