package dev.lifeboat.repository;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A backup (or a backup's new object) being written: the owner marker first, then the object;
 * on commit the object is made durable, its stored size is checked (and a replacement is read
 * back against the new manifest's SHA-256), then the manifest is written, then the replaced
 * object and the marker go. Closing without commit removes what was written; if the writer is
 * killed instead, the marker tells a later run whose leftovers they are.
 */
final class StoreUpload implements Repository.Upload {
    private final Store store;
    private final String location;
    private final String backupId;
    private final String objectKey;
    private final Optional<String> replaces;
    private final OwnerMarker marker;
    private Store.Pending pending;
    private RepositoryOutputStream data;
    private boolean objectCommitted;
    private boolean committed;

    StoreUpload(Store store, Liveness liveness, String backupId, String objectName, Optional<String> replaces)
            throws IOException {
        this.store = store;
        this.location = store.location();
        this.backupId = backupId;
        this.objectKey = Layout.object(backupId, objectName);
        this.replaces = replaces.map(old -> Layout.object(backupId, old));
        this.marker = OwnerMarker.write(store, backupId, liveness);
    }

    @Override
    public OutputStream data() throws IOException {
        try {
            pending = store.put(objectKey, -1);
            data = new RepositoryOutputStream(pending.stream(), location);
            return data;
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location, e);
        }
    }

    @Override
    public void commit(byte[] manifestJson) throws IOException {
        try {
            pending.commit();
            objectCommitted = true;
            long stored = store.stat(objectKey).map(Store.StoredObject::size).orElse(-1L);
            if (stored != data.written()) {
                throw LifeboatException.integrity(location + " holds " + stored + " bytes of " + objectKey + " after "
                        + data.written() + " were written; the backup was not recorded, run it again");
            }
            if (replaces.isPresent()) {
                requireReadsBack(Json.read(manifestJson, Manifest.class));
            }
            store.put(Layout.dir(backupId) + Layout.MANIFEST, manifestJson);
            committed = true;
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location, e);
        }
        try {
            if (replaces.isPresent()) {
                store.delete(replaces.get());
            }
            marker.remove();
        } catch (IOException | RuntimeException e) {
            // The backup is complete; a replaced object or a stray marker beside a manifest goes in a later run.
        }
    }

    /** A replacement becomes the backup's only copy: it must read back as the manifest describes it. */
    private void requireReadsBack(Manifest manifest) throws IOException {
        MessageDigest sha = sha256();
        long size = 0;
        try (InputStream in = store.open(objectKey, 0)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; size += n) {
                sha.update(buffer, 0, n);
            }
        }
        if (size != manifest.seal().storedSize()
                || !HexFormat.of().formatHex(sha.digest()).equals(manifest.seal().storedSha256())) {
            throw LifeboatException.integrity("the new object of backup " + manifest.id() + " in " + location
                    + " does not read back as written; the backup keeps its old object; check the store and retry");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        marker.close();
        try {
            if (pending != null) {
                pending.close();
            }
            if (objectCommitted) {
                store.delete(objectKey);
            }
            if (replaces.isEmpty()) {
                for (Store.StoredObject left : store.list(Layout.dir(backupId))) {
                    if (!left.key().endsWith("/" + Layout.OWNER)) {
                        store.delete(left.key());
                    }
                }
            }
            // The marker goes last, and only once nothing of the put is left: else a later run needs it.
            if (store.unfinished(Layout.dir(backupId)).isEmpty()) {
                marker.remove();
            }
        } catch (IOException | RuntimeException e) {
            // The marker stays behind, so a later run removes what is left once this process is gone.
        }
    }
}
