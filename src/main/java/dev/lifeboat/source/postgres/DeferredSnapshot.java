package dev.lifeboat.source.postgres;

import dev.lifeboat.manifest.Facts;
import dev.lifeboat.source.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * A snapshot taken only when first read. A PostgreSQL restore keeps the old database under a new
 * name, so the copy of the current content is needed only for the safety backup, if one is wanted.
 */
final class DeferredSnapshot implements Snapshot {
    private final Supplier<Snapshot> taker;
    private Snapshot taken;

    DeferredSnapshot(Supplier<Snapshot> taker) {
        this.taker = taker;
    }

    private Snapshot taken() {
        if (taken == null) {
            taken = taker.get();
        }
        return taken;
    }

    @Override
    public String extension() {
        return ".pgdump";
    }

    @Override
    public long size() {
        return -1;
    }

    @Override
    public InputStream open() throws IOException {
        return taken().open();
    }

    @Override
    public Facts facts() throws IOException {
        return taken().facts();
    }

    @Override
    public void close() {
        if (taken != null) {
            taken.close();
            taken = null;
        }
    }
}
