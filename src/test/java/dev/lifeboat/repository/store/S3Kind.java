package dev.lifeboat.repository.store;

import dev.lifeboat.repository.s3.S3Store;
import dev.lifeboat.testing.S3Server;
import java.util.Optional;

/** Prefixes of a bucket on the in-JVM S3 server; 403 answers refuse writes, broken downloads test resuming. */
final class S3Kind implements StoreKind {
    private S3Server server;
    private final java.util.Map<String, String> prefixes = new java.util.HashMap<>();
    private int stores;

    private S3Server server() throws Exception {
        if (server == null) {
            server = new S3Server();
        }
        return server;
    }

    @Override
    public Store create() throws Exception {
        String prefix = "contract-" + ++stores;
        Store store = S3Store.open(server().url(prefix, "retries=1"), server().credentials());
        prefixes.put(store.location(), prefix);
        return store;
    }

    /** Straight into the server's blob store, without HTTP: a thousand PUTs would take seconds. */
    @Override
    public void seed(Store store, String key, byte[] content) {
        server.putDirect(prefixes.get(store.location()) + "/" + key, content);
    }

    @Override
    public Optional<AutoCloseable> refuseWrites(Store store) throws Exception {
        server().faults().failPuts(Integer.MAX_VALUE, 403);
        server().faults().failParts(Integer.MAX_VALUE, 403);
        return Optional.of(() -> server.faults().reset());
    }

    @Override
    public boolean breakNextRead(String key, long afterBytes) {
        server.faults().breakReads(1, afterBytes);
        return true;
    }

    @Override
    public void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public String prefix() {
        return "s3://";
    }

    @Override
    public String toString() {
        return "s3";
    }
}
