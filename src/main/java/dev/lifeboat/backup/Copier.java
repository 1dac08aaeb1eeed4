package dev.lifeboat.backup;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Pipeline;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryUnavailable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Copies a stored backup from one repository to another without decrypting or decompressing
 * it: the bytes stream through, their size and SHA-256 are proven against the manifest, and
 * only then is the manifest written at the destination.
 */
public final class Copier {
    private final Progress progress;
    private final Retries retries;

    public Copier(Progress progress, Retries retries) {
        this.progress = progress;
        this.retries = retries;
    }

    public Manifest copy(Repository from, Manifest manifest, Repository to) throws IOException {
        if (alreadyIn(to, manifest.id())) {
            throw new LifeboatException(ExitCode.USAGE, "backup " + manifest.id() + " is already in "
                    + to.location() + "; nothing to copy");
        }
        to.removeLeftovers();
        for (int attempt = 1; ; attempt++) {
            try {
                copyOnce(from, manifest, to);
                return manifest;
            } catch (RepositoryUnavailable e) {
                if (attempt >= retries.attempts()) {
                    throw e;
                }
                retries.pause(attempt);
            }
        }
    }

    private void copyOnce(Repository from, Manifest manifest, Repository to) throws IOException {
        try (Repository.Upload upload = to.startUpload(manifest.id(), manifest.object());
             InputStream in = from.openObject(manifest)) {
            Pipeline.copyStored(in, upload.data(), manifest.seal(),
                    progress.start("copying " + manifest.id(), manifest.seal().storedSize()));
            upload.commit(Json.write(manifest.asWritten()));
        } finally {
            progress.finish();
        }
    }

    /** A destination that is not a repository yet (the first copy creates it) has nothing. */
    private static boolean alreadyIn(Repository to, String id) throws IOException {
        try {
            return to.manifest(id).isPresent();
        } catch (LifeboatException e) {
            if (e.exitCode() == ExitCode.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }
}
