package dev.lifeboat.testing;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;
import org.jclouds.io.Payload;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server (S3Proxy over an in-memory blob store) inside the test JVM, with
 * AWS signature checks on, a bucket made, and switches to inject faults: HTTP errors for the
 * next N part uploads, truncated listings, or a hook run when a given part arrives (e.g. to stop
 * the server).
 */
public final class S3Server implements AutoCloseable {
    public static final String ACCESS_KEY = "lifeboat-test-key";
    public static final String SECRET_KEY = "lifeboat-test-secret-do-not-print";
    public static final String BUCKET = "lifeboat-test";
    private final BlobStoreContext context;
    private final Faults faults;
    private final S3Client client;
    private S3Proxy proxy;
    private int port;

    public S3Server() throws Exception {
        context = ContextBuilder.newBuilder("transient").credentials("unused", "unused")
                .build(BlobStoreContext.class);
        faults = new Faults(context.getBlobStore());
        start(0);
        client = S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder())
                .build();
        client.createBucket(b -> b.bucket(BUCKET));
    }

    private void start(int requestedPort) throws Exception {
        proxy = S3Proxy.builder().blobStore(faults)
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        port = proxy.getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code s3://BUCKET/prefix?endpoint=...&region=us-east-1&path-style=true} plus extra options. */
    public String url(String prefix, String... options) {
        return "s3://" + BUCKET + "/" + prefix + "?endpoint=" + endpoint() + "&region=us-east-1&path-style=true"
                + (options.length == 0 ? "" : "&" + String.join("&", options));
    }

    public Map<String, String> credentials() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    /** A command line whose environment holds this server's credentials. */
    public Cli cli(Path scratch) {
        Cli cli = new Cli(scratch);
        credentials().forEach(cli::env);
        return cli;
    }

    public S3Client client() {
        return client;
    }

    public Faults faults() {
        return faults;
    }

    public List<String> keys(String prefix) {
        return client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(S3Object::key).toList();
    }

    public List<String> pendingUploads(String prefix) {
        return client.listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads().stream()
                .map(u -> u.key()).toList();
    }

    /** Stores an object straight into the blob store, without HTTP: for filling a bucket fast. */
    public void putDirect(String key, byte[] content) {
        faults.delegate().putBlob(BUCKET, faults.delegate().blobBuilder(key).payload(content)
                .contentLength(content.length).build());
    }

    public void stop() throws Exception {
        proxy.stop();
    }

    /** Starts again on the same port with the same content. */
    public void restart() throws Exception {
        start(port);
    }

    @Override
    public void close() throws Exception {
        client.close();
        if (!proxy.getState().equals("STOPPED")) {
            proxy.stop();
        }
        context.close();
    }

    /** The blob store behind the server, with faults on demand. */
    public static final class Faults extends ForwardingBlobStore {
        private final AtomicInteger failParts = new AtomicInteger();
        private final AtomicInteger failPuts = new AtomicInteger();
        private final AtomicInteger served = new AtomicInteger();
        private final AtomicInteger partsSeen = new AtomicInteger();
        private final AtomicInteger breakReads = new AtomicInteger();
        private final AtomicInteger malformLists = new AtomicInteger();
        private volatile long breakAfter;
        private volatile int status = 503;
        private volatile int hookAtPart = -1;
        private volatile Runnable hook = () -> { };
        private final Map<String, java.util.concurrent.atomic.AtomicLong> room =
                new java.util.concurrent.ConcurrentHashMap<>();

        Faults(BlobStore delegate) {
            super(delegate);
        }

        @Override
        protected BlobStore delegate() {
            return super.delegate();
        }

        /** The next {@code count} part uploads answer {@code status}. */
        public void failParts(int count, int status) {
            this.status = status;
            failParts.set(count);
            served.set(0);
        }

        /** The next {@code count} single-request PUTs (markers, manifests, small objects) answer {@code status}. */
        public void failPuts(int count, int status) {
            this.status = status;
            failPuts.set(count);
            served.set(0);
        }

        /** The next {@code count} downloads of a data object (.zst) break off after {@code afterBytes}. */
        public void breakReads(int count, long afterBytes) {
            breakAfter = afterBytes;
            breakReads.set(count);
            served.set(0);
        }

        /**
         * The next {@code count} object listings answer 200 with an XML body cut short, as a store or
         * proxy that drops a response would: the listing starts with an entry whose ETag holds a
         * character XML forbids, and the server's XML writer stops there, mid-document.
         */
        public void malformLists(int count) {
            malformLists.set(count);
            served.set(0);
        }

        /**
         * Objects under {@code prefix} may take {@code bytes} in all from now on; a PUT or part past
         * that answers 507 Insufficient Storage, as MinIO does when its disks are full.
         */
        public void roomFor(String prefix, long bytes) {
            room.put(prefix, new java.util.concurrent.atomic.AtomicLong(bytes));
        }

        /** Runs {@code action} on the server's thread when part number {@code part} has been stored. */
        public void atPart(int part, Runnable action) {
            partsSeen.set(0);
            hookAtPart = part;
            hook = action;
        }

        /** How many injected errors were answered since faults were last set. */
        public int served() {
            return served.get();
        }

        public void reset() {
            failParts.set(0);
            failPuts.set(0);
            breakReads.set(0);
            malformLists.set(0);
            hookAtPart = -1;
        }

        @Override
        public org.jclouds.blobstore.domain.PageSet<? extends org.jclouds.blobstore.domain.StorageMetadata> list(
                String container, org.jclouds.blobstore.options.ListContainerOptions options) {
            var listed = super.list(container, options);
            if (malformLists.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
                return listed;
            }
            served.incrementAndGet();
            var entries = new java.util.ArrayList<org.jclouds.blobstore.domain.StorageMetadata>();
            entries.add(new org.jclouds.blobstore.domain.internal.StorageMetadataImpl(
                    org.jclouds.blobstore.domain.StorageType.BLOB, null, "garbled", null, null, "\u0001",
                    new java.util.Date(), new java.util.Date(), Map.of(), 1L));
            entries.addAll(listed);
            return new org.jclouds.blobstore.domain.internal.PageSetImpl<>(entries, listed.getNextMarker());
        }

        @Override
        public org.jclouds.blobstore.domain.Blob getBlob(String container, String name) {
            return maybeBreak(name, super.getBlob(container, name));
        }

        @Override
        public org.jclouds.blobstore.domain.Blob getBlob(String container, String name,
                                                         org.jclouds.blobstore.options.GetOptions options) {
            return maybeBreak(name, super.getBlob(container, name, options));
        }

        private org.jclouds.blobstore.domain.Blob maybeBreak(String name, org.jclouds.blobstore.domain.Blob blob) {
            if (blob == null || !name.endsWith(".zst") || breakReads.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
                return blob;
            }
            served.incrementAndGet();
            try {
                var metadata = blob.getPayload().getContentMetadata();
                java.io.InputStream in = blob.getPayload().openStream();
                long limit = breakAfter;
                var broken = new org.jclouds.io.payloads.InputStreamPayload(new java.io.FilterInputStream(in) {
                    private long seen;

                    @Override
                    public int read(byte[] b, int off, int len) throws java.io.IOException {
                        if (seen >= limit) {
                            throw new java.io.IOException("injected break");
                        }
                        int n = super.read(b, off, (int) Math.min(len, limit - seen));
                        seen += Math.max(0, n);
                        return n;
                    }
                });
                broken.setContentMetadata(metadata);
                blob.setPayload(broken);
                return blob;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public MultipartPart uploadMultipartPart(MultipartUpload mpu, int partNumber, Payload payload) {
            if (failParts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw injected();
            }
            take(mpu.blobName(), payload.getContentMetadata().getContentLength());
            MultipartPart part = super.uploadMultipartPart(mpu, partNumber, payload);
            if (partsSeen.incrementAndGet() == hookAtPart) {
                hook.run();
            }
            return part;
        }

        @Override
        public String putBlob(String container, org.jclouds.blobstore.domain.Blob blob) {
            failPut();
            take(blob.getMetadata().getName(), blob.getMetadata().getContentMetadata().getContentLength());
            return super.putBlob(container, blob);
        }

        @Override
        public String putBlob(String container, org.jclouds.blobstore.domain.Blob blob,
                              org.jclouds.blobstore.options.PutOptions options) {
            failPut();
            take(blob.getMetadata().getName(), blob.getMetadata().getContentMetadata().getContentLength());
            return super.putBlob(container, blob, options);
        }

        /** Counts {@code size} bytes of {@code name} against the room of its prefix, if it has one. */
        private void take(String name, Long size) {
            room.forEach((prefix, left) -> {
                if (name.startsWith(prefix) && left.addAndGet(size == null ? 0 : -size) < 0) {
                    served.incrementAndGet();
                    throw new HttpResponseException("no room left", null, HttpResponse.builder().statusCode(507)
                            .message("Insufficient Storage").build());
                }
            });
        }

        private void failPut() {
            if (failPuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw injected();
            }
        }

        private HttpResponseException injected() {
            served.incrementAndGet();
            return new HttpResponseException("injected fault", null,
                    HttpResponse.builder().statusCode(status).message("injected").build());
        }
    }
}
