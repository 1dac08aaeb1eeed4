package dev.lifeboat.repository;

import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A lock object this process created, rewritten every heartbeat until closed. It is rewritten and
 * removed only while it still holds this holder's bytes: a lock taken over from a holder that was
 * silent too long is never clobbered when that holder wakes up.
 */
final class HeldLock implements RepositoryLock {
    private final Store store;
    private final String key;
    private final byte[] content;
    private final Optional<String> tookOver;
    private final Heartbeat heartbeat;

    HeldLock(Store store, String key, byte[] content, Optional<String> tookOver, Liveness liveness) {
        this.store = store;
        this.key = key;
        this.content = content;
        this.tookOver = tookOver;
        this.heartbeat = new Heartbeat("lifeboat-lock-heartbeat", liveness.heartbeat(), this::beat);
    }

    private boolean stillMine() throws IOException {
        return store.readSmall(key, content.length + 1).map(b -> Arrays.equals(b, content)).orElse(false);
    }

    private void beat() {
        try {
            if (stillMine()) {
                store.put(key, content);
            }
        } catch (IOException | RuntimeException e) {
            // The next beat retries; a lock left unrefreshed becomes stale, which is safe.
        }
    }

    @Override
    public Optional<String> tookOverFrom() {
        return tookOver;
    }

    @Override
    public void close() {
        heartbeat.close();
        try {
            if (stillMine()) {
                store.delete(key);
            }
        } catch (IOException | RuntimeException e) {
            // A leftover lock goes stale and is taken over by the next run.
        }
    }
}
