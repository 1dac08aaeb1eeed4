package dev.lifeboat.repository.s3;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.ProcessOwner;
import dev.lifeboat.repository.Repository;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One backup being written to S3: an owner marker first, then the object, then (on commit) a
 * HEAD that confirms the object's size, then the manifest, then the marker goes. Closing
 * without commit aborts the multipart upload and deletes what was written.
 */
final class S3Upload implements Repository.Upload {
    /** A live writer refreshes its marker this often, so that only stale markers count as abandoned. */
    static final Duration HEARTBEAT = Duration.ofHours(1);
    private final S3Objects objects;
    private final Clock clock;
    private final String dir;
    private final String objectKey;
    private final long partSize;
    private MultipartWriter writer;
    private Instant lastHeartbeat;
    private boolean objectWritten;
    private boolean committed;

    private S3Upload(S3Objects objects, Clock clock, String dir, String objectName, long partSize) {
        this.objects = objects;
        this.clock = clock;
        this.dir = dir;
        this.objectKey = dir + objectName;
        this.partSize = partSize;
    }

    static S3Upload start(S3Objects objects, Clock clock, String backupDir, String objectName, long partSize) {
        S3Upload upload = new S3Upload(objects, clock, backupDir, objectName, partSize);
        upload.heartbeat();
        return upload;
    }

    @Override
    public OutputStream data() {
        writer = new MultipartWriter(objects, objectKey, partSize, this::heartbeatIfDue);
        return writer;
    }

    @Override
    public void commit(byte[] manifestJson) throws IOException {
        long written = writer.finish();
        objectWritten = true;
        long stored = objects.size(objectKey).orElse(-1L);
        if (stored != written) {
            throw LifeboatException.integrity("S3 at " + objects.location() + " holds " + stored + " bytes of "
                    + objectKey + " after " + written + " were sent; the backup was not recorded, run it again");
        }
        objects.put(dir + S3Repository.MANIFEST, manifestJson);
        committed = true;
        try {
            objects.delete(dir + S3Repository.OWNER);
        } catch (LifeboatException e) {
            // The backup is complete; a stray marker beside a manifest is removed by a later run.
        }
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        boolean clean = writer == null || writer.abort();
        try {
            if (objectWritten) {
                objects.delete(objectKey);
            }
            if (clean) {
                objects.delete(dir + S3Repository.OWNER);
            }
        } catch (LifeboatException e) {
            // The owner marker stays, so a later run on this host (or any run after a day) removes the rest.
        }
    }

    private void heartbeat() {
        objects.put(dir + S3Repository.OWNER, ProcessOwner.current().token().getBytes(StandardCharsets.UTF_8));
        lastHeartbeat = clock.instant();
    }

    private void heartbeatIfDue() {
        if (Duration.between(lastHeartbeat, clock.instant()).compareTo(HEARTBEAT) >= 0) {
            heartbeat();
        }
    }
}
