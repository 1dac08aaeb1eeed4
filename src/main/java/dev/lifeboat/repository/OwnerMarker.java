package dev.lifeboat.repository;

import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code backups/ID/.owner} while a process works on a backup (writes it, re-encrypts it, deletes
 * it): host, pid and start, rewritten every heartbeat. It makes whatever the process leaves behind
 * if it dies recognisable as a leftover, by the one {@link Liveness} rule.
 */
final class OwnerMarker implements AutoCloseable {
    private final Store store;
    private final String key;
    private final Heartbeat heartbeat;

    private OwnerMarker(Store store, String key, Liveness liveness) {
        this.store = store;
        this.key = key;
        this.heartbeat = new Heartbeat("lifeboat-owner-heartbeat", liveness.heartbeat(), this::beat);
    }

    /** Writes the marker of {@code backupId} and keeps it fresh until closed or removed. */
    static OwnerMarker write(Store store, String backupId, Liveness liveness) throws IOException {
        String key = Layout.dir(backupId) + Layout.OWNER;
        store.put(key, token());
        return new OwnerMarker(store, key, liveness);
    }

    private static byte[] token() {
        return ProcessOwner.current().token().getBytes(StandardCharsets.UTF_8);
    }

    private void beat() {
        try {
            store.put(key, token());
        } catch (IOException | RuntimeException e) {
            // The next beat retries; a marker left unrefreshed makes the work look abandoned, which is safe once done.
        }
    }

    /** Stops refreshing and removes the marker: the work is done, or undone. */
    void remove() throws IOException {
        close();
        store.delete(key);
    }

    /** Stops refreshing; the marker stays for a later run to judge. */
    @Override
    public void close() {
        heartbeat.close();
    }
}
