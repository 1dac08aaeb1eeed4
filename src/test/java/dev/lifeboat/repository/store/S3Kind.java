package dev.lifeboat.repository.store;

import dev.lifeboat.repository.s3.S3Store;
import dev.lifeboat.testing.S3Server;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Prefixes of a bucket on the in-JVM S3 server: 403 answers refuse writes, broken downloads test
 * resuming, and a prefix with a quota answers 507 Insufficient Storage once it is used up, as MinIO
 * does when its disks are full (S3Proxy cannot send MinIO's XMinioStorageFull code itself).
 */
final class S3Kind implements StoreKind {
    private S3Server server;
    private final Map<String, S3Place> places = new HashMap<>();
    private int stores;

    private S3Server server() throws Exception {
        if (server == null) {
            server = new S3Server();
        }
        return server;
    }

    @Override
    public Store create() throws Exception {
        return open("contract-" + ++stores);
    }

    private Store open(String prefix) throws Exception {
        Store store = S3Store.open(server().url(prefix, "retries=1"), server().credentials());
        places.put(store.location(), new S3Place(server, prefix));
        return store;
    }

    @Override
    public Place placeOf(Store store) {
        return places.get(store.location());
    }

    @Override
    public Place place(String name) throws Exception {
        return new S3Place(server(), "places/" + name);
    }

    @Override
    public Map<String, String> everythingBut(Place... except) throws Exception {
        Map<String, String> keys = new TreeMap<>();
        for (S3Object o : server().client().listObjectsV2Paginator(b -> b.bucket(S3Server.BUCKET)).contents()) {
            if (Arrays.stream(except).noneMatch(p -> o.key().startsWith(((S3Place) p).prefix() + "/"))) {
                keys.put(o.key(), o.eTag());
            }
        }
        return keys;
    }

    @Override
    public Optional<AutoCloseable> refuseWrites(Store store) throws Exception {
        server().faults().failPuts(Integer.MAX_VALUE, 403);
        server().faults().failParts(Integer.MAX_VALUE, 403);
        return Optional.of(() -> server.faults().reset());
    }

    @Override
    public Optional<Store> withRoomFor(long bytes) throws Exception {
        String prefix = "small-" + ++stores;
        server().faults().roomFor(prefix + "/", bytes);
        return Optional.of(open(prefix));
    }

    @Override
    public Optional<BooleanSupplier> breakNextRead(String key, long afterBytes) {
        server.faults().breakReads(1, afterBytes);
        return Optional.of(() -> server.faults().served() == 1);
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
