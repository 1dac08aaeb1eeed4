package dev.lifeboat.repository.store;

import dev.lifeboat.repository.sftp.InJvmSftpServer;
import dev.lifeboat.repository.sftp.PassphrasePrompt;
import dev.lifeboat.repository.sftp.SftpStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Folders of the in-JVM SFTP server: a read-only folder refuses writes, as OpenSSH does for its
 * user; a server of its own with little space left is the full disk; a read whose session the
 * server closes is the broken connection.
 */
final class SftpKind implements StoreKind {
    private InJvmSftpServer server;
    private final List<InJvmSftpServer> small = new ArrayList<>();
    private final Map<String, LocalPlace> places = new HashMap<>();
    private int stores;

    private InJvmSftpServer server() throws Exception {
        if (server == null) {
            server = new InJvmSftpServer();
        }
        return server;
    }

    @Override
    public Store create() throws Exception {
        return open(server(), "contract-" + ++stores);
    }

    private Store open(InJvmSftpServer on, String folder) {
        Store store = SftpStore.open(on.url(folder, "retries=1"), on.env(), PassphrasePrompt.NONE);
        places.put(store.location(), local(on, folder));
        return store;
    }

    private static LocalPlace local(InJvmSftpServer on, String folder) {
        return new LocalPlace(on.files().resolve(folder), on.url(folder), on.env(), key -> "/" + folder + "/" + key);
    }

    @Override
    public Place placeOf(Store store) {
        return places.get(store.location());
    }

    @Override
    public Place place(String name) throws Exception {
        return local(server(), "places/" + name);
    }

    @Override
    public Map<String, String> everythingBut(Place... except) throws Exception {
        return LocalPlace.fingerprints(server().files(), Arrays.stream(except).map(p -> ((LocalPlace) p).root())
                .toList());
    }

    @Override
    public Optional<AutoCloseable> refuseWrites(Store store) throws Exception {
        Path folder = Files.createDirectories(places.get(store.location()).root());
        List<Path> all;
        try (var walk = Files.walk(folder)) {
            all = walk.filter(Files::isDirectory).toList();
        }
        for (Path dir : all) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        }
        return Optional.of(() -> {
            for (Path dir : all) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        });
    }

    /** A server of its own, whose disk is full once {@code bytes} more have been written. */
    @Override
    public Optional<Store> withRoomFor(long bytes) throws Exception {
        InJvmSftpServer full = new InJvmSftpServer();
        small.add(full);
        full.spaceLeft(bytes);
        return Optional.of(open(full, "small"));
    }

    @Override
    public Optional<BooleanSupplier> breakNextRead(String key, long afterBytes) {
        int before = server.readsBroken();
        server.breakNextRead(afterBytes);
        return Optional.of(() -> server.readsBroken() == before + 1);
    }

    @Override
    public void stop() throws Exception {
        for (InJvmSftpServer each : small) {
            each.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    public String prefix() {
        return "sftp://";
    }

    @Override
    public String toString() {
        return "sftp";
    }
}
