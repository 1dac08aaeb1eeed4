package dev.lifeboat.repository;

import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.Seal;
import dev.lifeboat.repository.store.Store;
import dev.lifeboat.source.postgres.WalNames;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The archived write-ahead log of PostgreSQL clusters in a repository: {@code wal/SYSTEM_ID/NAME.zst.age}
 * (the sealed file) and {@code wal/SYSTEM_ID/NAME.json} (its record, written after the object is
 * durable: a file without its record was never acknowledged and does not exist). The system
 * identifier keeps two clusters apart; every name is checked before it becomes part of a key.
 */
public final class WalArchive {
    static final String PREFIX = "wal/";
    private static final String RECORD = ".json";
    /** After the file's name: {@code .wal}, then the compression's and the encryption's extension. */
    private static final java.util.regex.Pattern OBJECT_SUFFIX =
            java.util.regex.Pattern.compile("\\.wal(\\.(zst|gz))?(\\.(age|gpg))?");
    private final Store store;

    WalArchive(Store store) {
        this.store = store;
    }

    public String location() {
        return store.location();
    }

    /**
     * One archived file: its name as PostgreSQL gave it, the stored object's name, the seal
     * (sizes and SHA-256 of the plain and the stored bytes), how it is stored, and when.
     */
    public record Entry(String systemId, String name, String object, Seal seal, Manifest.CompressionInfo compression,
                        Manifest.EncryptionInfo encryption, Instant archivedAt) {
    }

    /** The record of {@code name}, or empty when it was never acknowledged. */
    public Optional<Entry> entry(String systemId, String name) throws IOException {
        Optional<byte[]> bytes = store.readSmall(recordKey(systemId, name), Layout.SMALL_LIMIT);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(checked(Json.read(bytes.get(), Entry.class), systemId, name));
    }

    /** The names of every acknowledged file of a cluster, in order (timeline, then position). */
    public List<String> names(String systemId) throws IOException {
        String prefix = dir(systemId);
        TreeSet<String> names = new TreeSet<>();
        for (Store.StoredObject object : store.list(prefix)) {
            String rest = object.key().substring(prefix.length());
            if (!object.isForeign() && rest.endsWith(RECORD)) {
                String name = rest.substring(0, rest.length() - RECORD.length());
                if (WalNames.isArchivable(name)) {
                    names.add(name);
                }
            }
        }
        return List.copyOf(names);
    }

    /** The stored objects of a cluster (key to size), to tell a record whose object went missing. */
    public java.util.Map<String, Long> objectSizes(String systemId) throws IOException {
        String prefix = dir(systemId);
        java.util.Map<String, Long> sizes = new java.util.TreeMap<>();
        for (Store.StoredObject object : store.list(prefix)) {
            String rest = object.key().substring(prefix.length());
            if (!rest.endsWith(RECORD)) {
                sizes.put(rest, object.size());
            }
        }
        return sizes;
    }

    /** The system identifiers of every cluster that archived here. */
    public List<String> systems() throws IOException {
        TreeSet<String> systems = new TreeSet<>();
        for (Store.StoredObject object : store.list(PREFIX)) {
            String id = object.key().substring(PREFIX.length()).split("/", 2)[0];
            if (WalNames.isSystemId(id)) {
                systems.add(id);
            }
        }
        return List.copyOf(systems);
    }

    /** Starts writing the object of {@code name}; nothing is acknowledged until {@link #acknowledge}. */
    public Store.Pending write(String systemId, String name, String objectName) throws IOException {
        return store.put(objectKey(systemId, name, objectName), -1);
    }

    /** Writes the record that makes a durable object part of the archive. */
    public void acknowledge(Entry entry) throws IOException {
        checked(entry, entry.systemId(), entry.name());
        store.put(recordKey(entry.systemId(), entry.name()), Json.write(entry));
    }

    public InputStream open(Entry entry) throws IOException {
        return store.open(objectKey(entry.systemId(), entry.name(), entry.object()), 0);
    }

    /** Removes a file from the archive: its record first, so nothing half-removed is ever listed. */
    public void delete(Entry entry) throws IOException {
        store.delete(recordKey(entry.systemId(), entry.name()));
        store.delete(objectKey(entry.systemId(), entry.name(), entry.object()));
    }

    private static Entry checked(Entry entry, String systemId, String name) {
        if (entry == null || !systemId.equals(entry.systemId()) || !name.equals(entry.name()) || entry.seal() == null
                || entry.object() == null || !entry.object().startsWith(name + ".")
                || !OBJECT_SUFFIX.matcher(entry.object().substring(name.length())).matches()) {
            throw new IllegalArgumentException("the record of WAL file " + StoredNames.printable(name)
                    + " does not belong to it");
        }
        return entry;
    }

    private static String dir(String systemId) {
        if (!WalNames.isSystemId(systemId)) {
            throw new IllegalArgumentException("not a system identifier: " + StoredNames.printable(systemId));
        }
        return PREFIX + systemId + "/";
    }

    private static String recordKey(String systemId, String name) {
        return dir(systemId) + validName(name) + RECORD;
    }

    private static String objectKey(String systemId, String name, String objectName) {
        if (!objectName.startsWith(validName(name) + ".")
                || !OBJECT_SUFFIX.matcher(objectName.substring(name.length())).matches()) {
            throw new IllegalArgumentException("not an object of " + name + ": " + StoredNames.printable(objectName));
        }
        return dir(systemId) + objectName;
    }

    private static String validName(String name) {
        if (!WalNames.isArchivable(name)) {
            throw new IllegalArgumentException("not a WAL file name: " + StoredNames.printable(name));
        }
        return name;
    }
}
