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
 * One backup (or a backup's new object) being written to S3: an owner marker first, then the
 * object, then (on commit) a HEAD that confirms the object's size, then the manifest, then the
 * marker goes. Closing without commit aborts the multipart upload and deletes what was written;
 * if the writer is killed instead, the marker tells a later run whose upload to abort.
 */
final class S3Upload implements Repository.Upload {
    /** A live writer refreshes its marker this often, so that only stale markers count as abandoned. */
    static final Duration HEARTBEAT = Duration.ofHours(1);
    private final S3Objects objects;
    private final Clock clock;
    private final String dir;
    private final String objectKey;
    private final long partSize;
    private final java.util.Optional<String> replacesKey;
    private MultipartWriter writer;
    private Instant lastHeartbeat;
    private boolean objectWritten;
    private boolean committed;

    private S3Upload(S3Objects objects, Clock clock, String dir, String objectName, long partSize,
                     java.util.Optional<String> replacesKey) {
        this.objects = objects;
        this.clock = clock;
        this.dir = dir;
        this.objectKey = dir + objectName;
        this.partSize = partSize;
        this.replacesKey = replacesKey;
    }

    static S3Upload start(S3Objects objects, Clock clock, String backupDir, String objectName, long partSize) {
        S3Upload upload = new S3Upload(objects, clock, backupDir, objectName, partSize, java.util.Optional.empty());
        upload.heartbeat();
        return upload;
    }

    /**
     * A new object for an existing backup: committed only after it reads back with the new
     * manifest's SHA-256; the old object goes after the manifest names the new one.
     */
    static S3Upload replacing(S3Objects objects, Clock clock, String backupDir, String objectName, long partSize,
                              String oldObjectName) {
        S3Upload upload = new S3Upload(objects, clock, backupDir, objectName, partSize,
                java.util.Optional.of(backupDir + oldObjectName));
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
        if (replacesKey.isPresent()) {
            requireReadsBack(dev.lifeboat.manifest.Json.read(manifestJson, dev.lifeboat.manifest.Manifest.class));
        }
        objects.put(dir + S3Repository.MANIFEST, manifestJson);
        committed = true;
        if (replacesKey.isPresent()) {
            objects.delete(replacesKey.get());
        }
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

    private void requireReadsBack(dev.lifeboat.manifest.Manifest manifest) throws IOException {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        try (java.io.InputStream in = objects.open(objectKey, 0, null).orElseThrow()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        if (!java.util.HexFormat.of().formatHex(sha.digest()).equals(manifest.seal().storedSha256())) {
            throw LifeboatException.integrity("the new object of backup " + manifest.id() + " in "
                    + objects.location() + " does not read back as written; the backup keeps its old object");
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
