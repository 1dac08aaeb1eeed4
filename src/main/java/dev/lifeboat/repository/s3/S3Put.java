package dev.lifeboat.repository.s3;

import dev.lifeboat.repository.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An object on its way into S3: a small one of known length is sent with one PUT on commit; any
 * other streams through a multipart upload that commit completes and close without commit aborts.
 * Either way the object appears whole under its key, or not at all.
 */
final class S3Put implements Store.Pending {
    private final S3Objects objects;
    private final String key;
    private final ByteArrayOutputStream small;
    private final MultipartWriter multipart;
    private boolean committed;

    S3Put(S3Objects objects, String key, long length, long partSize) {
        this.objects = objects;
        this.key = key;
        boolean fits = length >= 0 && length < partSize;
        this.small = fits ? new ByteArrayOutputStream((int) length) : null;
        this.multipart = fits ? null : new MultipartWriter(objects, key, partSize);
    }

    @Override
    public OutputStream stream() {
        return small != null ? small : multipart;
    }

    @Override
    public void commit() throws IOException {
        if (small != null) {
            objects.put(key, small.toByteArray());
        } else {
            multipart.finish();
        }
        committed = true;
    }

    @Override
    public void close() {
        if (!committed && multipart != null) {
            // An upload the store could not be told to abort is found and aborted by a later run.
            multipart.abort();
        }
    }
}
