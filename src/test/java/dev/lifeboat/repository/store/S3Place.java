package dev.lifeboat.repository.store;

import dev.lifeboat.testing.S3Server;
import java.util.List;
import java.util.Map;

/** A prefix of the in-JVM S3 server's bucket; it has neither links nor folders. */
final class S3Place implements Place {
    private final S3Server server;
    private final String prefix;

    S3Place(S3Server server, String prefix) {
        this.server = server;
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    @Override
    public String spec() {
        return server.url(prefix);
    }

    @Override
    public Map<String, String> env() {
        return server.credentials();
    }

    @Override
    public String absolute(String key) {
        return "/" + prefix + "/" + key;
    }

    @Override
    public boolean exists() {
        return !keys().isEmpty();
    }

    @Override
    public void put(String key, byte[] content) {
        server.putDirect(prefix + "/" + key, content);
    }

    @Override
    public byte[] get(String key) {
        return server.client().getObjectAsBytes(b -> b.bucket(S3Server.BUCKET).key(prefix + "/" + key)).asByteArray();
    }

    @Override
    public void delete(String key) {
        server.client().deleteObject(b -> b.bucket(S3Server.BUCKET).key(prefix + "/" + key));
    }

    @Override
    public List<String> keys() {
        return server.keys(prefix + "/").stream().map(k -> k.substring(prefix.length() + 1)).sorted().toList();
    }

    @Override
    public List<String> entries() {
        return keys();
    }
}
