package dev.lifeboat.repository.s3;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Streams an object of unknown length into S3. Bytes fill one part buffer while up to
 * {@link #IN_FLIGHT} earlier parts upload on their own threads, so memory stays at
 * (IN_FLIGHT + 1) x part size however large the object. An object smaller than one part is
 * sent with a single PUT. Each part carries its MD5, which the store checks on arrival.
 */
final class MultipartWriter extends OutputStream {
    static final int IN_FLIGHT = 2;
    private static final int MAX_PARTS = 10_000;
    private final S3Objects objects;
    private final String key;
    private final int partSize;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final ExecutorService uploader;
    private volatile LifeboatException failure;
    private int allocated;
    private byte[] current;
    private int filled;
    private long total;
    private String uploadId;

    MultipartWriter(S3Objects objects, String key, long partSize) {
        this.objects = objects;
        this.key = key;
        this.partSize = Math.toIntExact(partSize);
        this.uploader = Executors.newFixedThreadPool(IN_FLIGHT, DaemonThreads.named("lifeboat-s3-part"));
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            throwIfFailed();
            if (current == null) {
                current = nextBuffer();
            }
            int n = Math.min(len, partSize - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            total += n;
            off += n;
            len -= n;
            if (filled == partSize) {
                ship();
            }
        }
    }

    /** Sends what is left and completes the object; returns its size in bytes. */
    long finish() throws IOException {
        throwIfFailed();
        try {
            if (uploadId == null) {
                byte[] content = current == null ? new byte[0] : current;
                int length = filled;
                objects.call("writing " + key, () -> objects.client().putObject(b -> b
                        .bucket(objects.location().bucket()).key(objects.location().key(key))
                        .contentLength((long) length).contentMD5(S3Objects.md5(content, 0, length)),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(content, 0, length), length,
                                "application/octet-stream")));
                return total;
            }
            if (filled > 0) {
                ship();
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (Future<CompletedPart> part : parts) {
                completed.add(await(part));
            }
            throwIfFailed();
            objects.call("completing the upload of " + key, () -> objects.client().completeMultipartUpload(b -> b
                    .bucket(objects.location().bucket()).key(objects.location().key(key)).uploadId(uploadId)
                    .multipartUpload(u -> u.parts(completed))));
            return total;
        } finally {
            uploader.shutdownNow();
        }
    }

    /** Stops the upload and removes its parts; false if the store could not be told. */
    boolean abort() {
        parts.forEach(part -> part.cancel(true));
        uploader.shutdownNow();
        try {
            uploader.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (uploadId == null) {
            return true;
        }
        try {
            objects.abort(key, uploadId);
            return true;
        } catch (LifeboatException e) {
            return false;
        }
    }

    private void ship() throws IOException {
        if (uploadId == null) {
            uploadId = objects.call("starting the upload of " + key, () -> objects.client().createMultipartUpload(b -> b
                    .bucket(objects.location().bucket()).key(objects.location().key(key))).uploadId());
        }
        int number = parts.size() + 1;
        if (number > MAX_PARTS) {
            throw new LifeboatException(ExitCode.REPOSITORY, "the object is larger than " + MAX_PARTS
                    + " parts of " + partSize + " bytes allow; raise part-size= in the repository URL");
        }
        byte[] buffer = current;
        int length = filled;
        current = null;
        filled = 0;
        parts.add(uploader.submit(() -> upload(number, buffer, length)));
    }

    private CompletedPart upload(int number, byte[] buffer, int length) {
        try {
            String etag = objects.call("uploading part " + number + " of " + key, () -> objects.client()
                    .uploadPart(b -> b.bucket(objects.location().bucket()).key(objects.location().key(key))
                            .uploadId(uploadId).partNumber(number).contentLength((long) length)
                            .contentMD5(S3Objects.md5(buffer, 0, length)),
                            RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                                    "application/octet-stream")).eTag());
            return CompletedPart.builder().partNumber(number).eTag(etag).build();
        } catch (LifeboatException e) {
            if (failure == null) {
                failure = e;
            }
            throw e;
        } finally {
            free.add(buffer);
        }
    }

    private byte[] nextBuffer() throws IOException {
        byte[] buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (allocated < IN_FLIGHT + 1) {
            allocated++;
            return new byte[partSize];
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a part upload");
        }
    }

    private CompletedPart await(Future<CompletedPart> part) throws IOException {
        try {
            return part.get();
        } catch (ExecutionException e) {
            throwIfFailed();
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a part upload");
        }
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }
}
