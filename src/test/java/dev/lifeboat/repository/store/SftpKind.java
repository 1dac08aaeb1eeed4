package dev.lifeboat.repository.store;

import dev.lifeboat.repository.sftp.InJvmSftpServer;
import dev.lifeboat.repository.sftp.PassphrasePrompt;
import dev.lifeboat.repository.sftp.SftpStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Folders of the in-JVM SFTP server; a read-only folder refuses writes, as OpenSSH does for its user. */
final class SftpKind implements StoreKind {
    private InJvmSftpServer server;
    private final Map<String, Path> folders = new HashMap<>();
    private int stores;

    private InJvmSftpServer server() throws Exception {
        if (server == null) {
            server = new InJvmSftpServer();
        }
        return server;
    }

    @Override
    public Store create() throws Exception {
        String folder = "contract-" + ++stores;
        Store store = SftpStore.open(server().url(folder, "retries=1"), server().env(), PassphrasePrompt.NONE);
        folders.put(store.location(), server().files().resolve(folder));
        return store;
    }

    /** Straight into the served folder: a thousand uploads over SSH would take many seconds. */
    @Override
    public void seed(Store store, String key, byte[] content) throws Exception {
        Path file = folders.get(store.location()).resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    @Override
    public Optional<AutoCloseable> refuseWrites(Store store) throws Exception {
        Path folder = folders.get(store.location());
        Files.createDirectories(folder);
        java.util.List<Path> all;
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

    @Override
    public void stop() throws Exception {
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
