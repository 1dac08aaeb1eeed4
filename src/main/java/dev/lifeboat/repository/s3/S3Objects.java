package dev.lifeboat.repository.s3;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The few S3 calls a repository needs, on keys relative to the repository's prefix, with every
 * failure turned into a one-line {@link dev.lifeboat.LifeboatException}.
 */
final class S3Objects {
    private final S3Client s3;
    private final S3Location location;

    S3Objects(S3Client s3, S3Location location) {
        this.s3 = s3;
        this.location = location;
    }

    S3Client client() {
        return s3;
    }

    S3Location location() {
        return location;
    }

    /** A stored object: key relative to the prefix, size, last change. */
    record Entry(String key, long size, Instant lastModified) {
    }

    /** An unfinished multipart upload: key relative to the prefix. */
    record PendingUpload(String key, String uploadId, Instant initiated) {
    }

    void put(String key, byte[] content) {
        call("writing " + key, () -> s3.putObject(b -> b.bucket(location.bucket()).key(location.key(key))
                .contentLength((long) content.length).contentMD5(md5(content, 0, content.length)),
                RequestBody.fromBytes(content)));
    }

    /**
     * Creates an object only if there is none (a conditional write); false when one exists. A
     * store that ignores or lacks conditional writes is caught by the caller's read-back.
     */
    boolean putIfAbsent(String key, byte[] content) {
        try {
            s3.putObject(b -> b.bucket(location.bucket()).key(location.key(key)).ifNoneMatch("*")
                    .contentLength((long) content.length).contentMD5(md5(content, 0, content.length)),
                    RequestBody.fromBytes(content));
            return true;
        } catch (SdkException e) {
            if (e instanceof software.amazon.awssdk.services.s3.model.S3Exception s3e && s3e.statusCode() == 412) {
                return false;
            }
            if (e instanceof software.amazon.awssdk.services.s3.model.S3Exception s3e && s3e.statusCode() == 501) {
                put(key, content);
                return true;
            }
            throw S3Errors.map(location, "writing " + key, e);
        }
    }

    /**
     * A small object's bytes, at most {@code limit} + 1 of them: everything read this way
     * (descriptor, manifests, records, markers) is far smaller, so a longer result is not ours,
     * and a planted huge object never fills the heap.
     */
    Optional<byte[]> get(String key, int limit) {
        return call("reading " + key, () -> {
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(location.bucket())
                    .key(location.key(key)))) {
                byte[] bytes = in.readNBytes(limit + 1);
                if (bytes.length > limit) {
                    in.abort();
                }
                return Optional.of(bytes);
            } catch (java.io.IOException e) {
                throw SdkClientException.create("reading " + key + " failed: " + e.getMessage(), e);
            } catch (SdkException e) {
                if (S3Errors.isNotFound(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /** Opens an object from byte {@code from} on, or empty when there is no such object. */
    Optional<ResponseInputStream<GetObjectResponse>> open(String key, long from, String etag) {
        return call("reading " + key, () -> {
            try {
                return Optional.of(s3.getObject(b -> {
                    b.bucket(location.bucket()).key(location.key(key));
                    if (from > 0) {
                        b.range("bytes=" + from + "-");
                    }
                    if (etag != null) {
                        b.ifMatch(etag);
                    }
                }));
            } catch (SdkException e) {
                if (S3Errors.isNotFound(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    Optional<Entry> head(String key) {
        return call("checking " + key, () -> {
            try {
                var head = s3.headObject(b -> b.bucket(location.bucket()).key(location.key(key)));
                return Optional.of(new Entry(key, head.contentLength(), head.lastModified()));
            } catch (SdkException e) {
                if (S3Errors.isNotFound(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    void delete(String key) {
        call("deleting " + key, () -> s3.deleteObject(b -> b.bucket(location.bucket()).key(location.key(key))));
    }

    /** Every object under {@code prefix}, page by page. */
    List<Entry> list(String prefix) {
        return call("listing " + location.key(prefix), () -> {
            List<Entry> entries = new ArrayList<>();
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(location.bucket())
                    .prefix(location.key(prefix))).contents()) {
                entries.add(new Entry(relative(object.key()), object.size(), object.lastModified()));
            }
            return entries;
        });
    }

    /** The first segments of the keys under the prefix: one delimited listing, page by page. */
    List<String> topLevel() {
        String prefix = location.prefix().isEmpty() ? "" : location.prefix() + "/";
        return call("listing " + location, () -> {
            java.util.TreeSet<String> names = new java.util.TreeSet<>();
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(prefix).delimiter("/"))) {
                page.contents().forEach(o -> names.add(o.key().substring(prefix.length())));
                page.commonPrefixes().forEach(p -> names.add(p.prefix().substring(prefix.length()).replaceAll("/$", "")));
            }
            return List.copyOf(names);
        });
    }

    List<PendingUpload> uploads(String prefix) {
        return call("listing multipart uploads", () -> {
            List<PendingUpload> uploads = new ArrayList<>();
            s3.listMultipartUploadsPaginator(b -> b.bucket(location.bucket()).prefix(location.key(prefix)))
                    .uploads().forEach(u -> uploads.add(new PendingUpload(relative(u.key()), u.uploadId(),
                            u.initiated())));
            return uploads;
        });
    }

    void abort(String key, String uploadId) {
        call("aborting the multipart upload of " + key, () -> s3.abortMultipartUpload(b -> b
                .bucket(location.bucket()).key(location.key(key)).uploadId(uploadId)));
    }

    <T> T call(String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw S3Errors.map(location, action, e);
        }
    }

    private String relative(String key) {
        return location.prefix().isEmpty() ? key : key.substring(location.prefix().length() + 1);
    }

    static String md5(byte[] content, int offset, int length) {
        try {
            java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
            md5.update(content, offset, length);
            return Base64.getEncoder().encodeToString(md5.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    }
}
