package dev.lifeboat.repository.s3;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.RepositoryUnavailable;
import dev.lifeboat.repository.store.ResumingRead;
import java.io.IOException;
import java.io.InputStream;

/**
 * S3's side of a resumed read: any broken download may pass (a ranged GET of the same version,
 * If-Match on its ETag, carries on), and a stream let go is aborted rather than drained.
 */
record ReadFailures(S3Objects objects, String key) implements ResumingRead.Failures {
    @Override
    public boolean mayPass(IOException e) {
        return true;
    }

    @Override
    public RuntimeException gaveUp(IOException e, long position) {
        return new RepositoryUnavailable("lost the connection to " + objects.location() + " while reading " + key
                + " at byte " + position + " (" + e.getMessage() + "); check the network and try again", e);
    }

    @Override
    public RuntimeException gone(long position) {
        return new LifeboatException(ExitCode.INTEGRITY, key + " disappeared from " + objects.location()
                + " while it was read; run 'lifeboat verify all' on that repository");
    }

    @Override
    public void release(InputStream in) throws IOException {
        if (in instanceof software.amazon.awssdk.core.ResponseInputStream<?> response) {
            // Closing would read the rest of a large object only to throw it away.
            response.abort();
        }
        in.close();
    }
}
