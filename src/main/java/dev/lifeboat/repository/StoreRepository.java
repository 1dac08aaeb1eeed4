package dev.lifeboat.repository;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.store.ForeignObject;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The repository layout ({@link Layout}) on any {@link Store}: one implementation of manifest-last
 * commits, damaged-backup detection, records, leftovers and locks for every kind of store.
 */
public final class StoreRepository implements Repository {
    private final Store store;
    private final Liveness liveness;
    private final DescriptorFile descriptor;
    private final BackupReader reader;
    private final StoreLocks locks;
    private final Leftovers leftovers;

    public StoreRepository(Store store, Clock clock) {
        this(store, Liveness.standard(clock));
    }

    public StoreRepository(Store store, Liveness liveness) {
        this.store = store;
        this.liveness = liveness;
        this.descriptor = new DescriptorFile(store, liveness.clock());
        this.reader = new BackupReader(store);
        this.locks = new StoreLocks(store, liveness);
        this.leftovers = new Leftovers(store, liveness);
    }

    @Override
    public String location() {
        return store.location();
    }

    @Override
    public Upload startUpload(String backupId, String objectName) throws IOException {
        Layout.object(backupId, objectName);
        try {
            descriptor.create();
            return new StoreUpload(store, liveness, backupId, objectName, Optional.empty());
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public Upload startReplacement(Manifest existing, String newObjectName) throws IOException {
        descriptor.require();
        if (!StoredNames.isObjectName(newObjectName) || !StoredNames.isObjectName(existing.object())
                || manifest(existing.id()).isEmpty() || newObjectName.equals(existing.object())) {
            throw new IllegalArgumentException("replacement needs an existing backup and a new object name");
        }
        try {
            return new StoreUpload(store, liveness, existing.id(), newObjectName, Optional.of(existing.object()));
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public Optional<Manifest.EncryptionInfo> pinnedEncryption() throws IOException {
        return descriptor.read().map(RepositoryDescriptor::pinnedEncryption);
    }

    @Override
    public boolean exists() throws IOException {
        return descriptor.read().isPresent();
    }

    @Override
    public void pinEncryption(Manifest.EncryptionInfo encryption) throws IOException {
        write(() -> descriptor.pin(encryption));
    }

    @Override
    public WalArchive wal() {
        return new WalArchive(store);
    }

    @Override
    public boolean create() throws IOException {
        try {
            return descriptor.create();
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public void removeIfEmpty() throws IOException {
        descriptor.removeIfEmpty();
    }

    @Override
    public RepositoryContents contents() throws IOException {
        descriptor.require();
        return layoutRead(reader::contents);
    }

    @Override
    public Optional<Manifest> manifest(String backupId) throws IOException {
        descriptor.require();
        return StoredNames.isBackupId(backupId) ? reader.manifest(backupId) : Optional.empty();
    }

    @Override
    public InputStream openObject(Manifest manifest) throws IOException {
        if (!StoredNames.isObjectName(manifest.object())) {
            throw StoredManifests.refusal(location(), new DamagedBackup(manifest.id(), "its manifest names object '"
                    + StoredNames.printable(manifest.object()) + "', which is not a Lifeboat object name"));
        }
        try {
            return store.open(Layout.object(manifest), 0);
        } catch (ForeignObject e) {
            throw StoredManifests.refusal(location(), new DamagedBackup(manifest.id(), e.getMessage()));
        } catch (NoSuchFileException e) {
            throw LifeboatException.integrity("the data object of backup " + manifest.id() + " is missing from "
                    + location() + "; restore an older backup and run 'lifeboat verify all'");
        }
    }

    @Override
    public void putRecord(String backupId, String recordName, byte[] content) throws IOException {
        String key = Layout.record(backupId, recordName);
        write(() -> store.put(key, content));
    }

    @Override
    public List<byte[]> records(String backupId, String prefix) throws IOException {
        descriptor.require();
        String dir = Layout.dir(backupId);
        List<byte[]> records = new ArrayList<>();
        try {
            for (Store.StoredObject record : store.list(dir + prefix)) {
                String name = record.key().substring(dir.length());
                if (StoredNames.isRecordName(name) && !record.isForeign() && record.size() <= Layout.SMALL_LIMIT) {
                    store.readSmall(record.key(), Layout.SMALL_LIMIT).ifPresent(records::add);
                }
            }
        } catch (ForeignObject e) {
            throw StoredManifests.refusal(location(), new DamagedBackup(backupId, e.getMessage()));
        }
        return records;
    }

    @Override
    public void delete(Manifest manifest) throws IOException {
        String dir = Layout.dir(manifest.id());
        write(() -> {
            // The owner mark makes a delete cut short look like a dead writer's leftover, which a later run removes.
            store.put(dir + Layout.OWNER, ProcessOwner.current().token().getBytes(StandardCharsets.UTF_8));
            store.delete(dir + Layout.MANIFEST);
            for (Store.StoredObject entry : store.list(dir)) {
                if (!entry.key().endsWith("/" + Layout.OWNER)) {
                    store.delete(entry.key());
                }
            }
            store.delete(dir + Layout.OWNER);
        });
    }

    @Override
    public RepositoryLock lock(String scope, String purpose) throws IOException {
        if (descriptor.read().isEmpty()) {
            return RepositoryLock.notNeeded();
        }
        try {
            return locks.lock(scope, purpose);
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public RepositoryLock markInUse(String backupId, String purpose) throws IOException {
        Layout.dir(backupId);
        try {
            return locks.markInUse(backupId, purpose);
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public Set<String> backupsInUse() throws IOException {
        return layoutRead(locks::inUse);
    }

    @Override
    public List<String> unlock(Optional<String> scope) throws IOException {
        descriptor.require();
        return layoutRead(() -> locks.unlock(scope));
    }

    @Override
    public List<String> incompleteBackups() throws IOException {
        descriptor.require();
        return layoutRead(leftovers::incomplete);
    }

    @Override
    public int removeLeftovers() throws IOException {
        if (descriptor.read().isEmpty()) {
            return 0;
        }
        return layoutRead(() -> locks.removeStaleInUse() + leftovers.remove());
    }

    @Override
    public void close() {
        store.close();
    }

    private interface StoreCall<T> {
        T call() throws IOException;
    }

    private interface StoreWrite {
        void run() throws IOException;
    }

    /** A read of the repository's own folders: something foreign there is one line, exit 4. */
    private <T> T layoutRead(StoreCall<T> call) throws IOException {
        try {
            return call.call();
        } catch (ForeignObject e) {
            throw RepositoryErrors.notOurs(location(), e);
        }
    }

    private void write(StoreWrite write) throws IOException {
        try {
            write.run();
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }
}
