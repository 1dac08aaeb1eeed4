package dev.lifeboat.repository.s3;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.ManifestReader;
import dev.lifeboat.repository.store.ForeignObject;
import dev.lifeboat.repository.store.Keys;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A store under a prefix of an S3-compatible bucket; keys are object keys below the prefix.
 * Guarantees:
 * <ul>
 * <li>a put is one PUT (small objects of known length) or a multipart upload of unknown length
 *     whose parts each carry their MD5; the object becomes visible whole when the PUT or the
 *     CompleteMultipartUpload succeeds, and an upload closed without commit is aborted;</li>
 * <li>{@link #putIfAbsent} is a conditional PUT ({@code If-None-Match: *}), atomic where the service
 *     honours it (AWS S3, R2, B2, MinIO, GCS); one that answers 501 gets a plain PUT, and some
 *     (S3Proxy) ignore the header, so {@link #createsAtomically} is false and the lock protocol
 *     looks first and reads its lock back;</li>
 * <li>read-after-write as S3 gives it (strong since 2020; most compatible stores too);</li>
 * <li>reads are ranged GETs that resume from the same byte of the same object version (If-Match
 *     on its ETag) when a connection breaks;</li>
 * <li>nothing outside the prefix is read, written or deleted: every key is checked and prefixed;</li>
 * <li>multipart uploads left by a killed writer are reported by {@link #unfinished}.</li>
 * </ul>
 * Every failure is a one-line {@link dev.lifeboat.LifeboatException} naming the cause and a fix.
 */
public final class S3Store implements Store {
    private final S3Location location;
    private final S3Objects objects;

    S3Store(S3Location location, S3Client client) {
        this.location = location;
        this.objects = new S3Objects(client, location);
    }

    /** Opens {@code s3://bucket/prefix?...} with credentials from {@code env}. */
    public static S3Store open(String spec, Map<String, String> env) {
        S3Location location = S3Location.parse(spec);
        return new S3Store(location, S3Clients.create(location, env));
    }

    /**
     * The variables holding the credentials an {@code s3://} repository reads: the AWS standard ones
     * and those its URL names with {@code access-key-env=} and {@code secret-key-env=}.
     */
    public static Set<String> secretVariables(String spec) {
        Set<String> names = new TreeSet<>(Set.of(S3Clients.ACCESS_KEY, S3Clients.SECRET_KEY, S3Clients.SESSION_TOKEN));
        try {
            S3Location location = S3Location.parse(spec);
            location.accessKeyEnv().ifPresent(names::add);
            location.secretKeyEnv().ifPresent(names::add);
        } catch (LifeboatException | IllegalArgumentException e) {
            // a URL that does not parse opens nothing; its fault is reported where it is opened
        }
        return names;
    }

    @Override
    public String location() {
        return location.toString();
    }

    @Override
    public Pending put(String key, long length) {
        return new S3Put(objects, Keys.require(key), length, location.partSize());
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) {
        return objects.putIfAbsent(Keys.require(key), content);
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        if (offset > 0 && stat(key).orElseThrow(() -> new NoSuchFileException(key)).size() <= offset) {
            return InputStream.nullInputStream();   // a ranged GET from the end is refused (416)
        }
        var first = objects.open(Keys.require(key), offset, null).orElseThrow(() -> new NoSuchFileException(key));
        String etag = first.response().eTag();
        return new dev.lifeboat.repository.store.ResumingRead(first, offset, objects.location().retries(),
                position -> objects.open(key, position, etag).map(in -> in), new ReadFailures(objects, key));
    }

    @Override
    public Optional<byte[]> readSmall(String key, int limit) throws IOException {
        Optional<byte[]> bytes = objects.get(Keys.require(key), limit);
        return bytes.isEmpty() ? bytes : Optional.of(ForeignObject.requireWithin(bytes.get(), limit, key));
    }

    @Override
    public Optional<StoredObject> stat(String key) {
        return objects.head(Keys.require(key)).map(e -> new StoredObject(key, e.size(), e.lastModified()));
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return objects.list(Keys.requirePrefix(prefix)).stream()
                .map(e -> new StoredObject(e.key(), e.size(), e.lastModified())).toList();
    }

    @Override
    public void delete(String key) {
        objects.delete(Keys.require(key));
    }

    @Override
    public List<String> topLevel() {
        return objects.topLevel();
    }

    @Override
    public List<Unfinished> unfinished(String prefix) {
        return objects.uploads(Keys.requirePrefix(prefix)).stream()
                .map(u -> new Unfinished(u.key(), u.uploadId(), u.initiated(), OptionalLong.empty())).toList();
    }

    @Override
    public void abort(Unfinished put) {
        objects.abort(Keys.require(put.key()), put.id());
    }

    @Override
    public boolean createsAtomically() {
        return false;
    }

    @Override
    public int readers() {
        return ManifestReader.PARALLEL;
    }

    @Override
    public void close() {
        objects.client().close();
    }
}
