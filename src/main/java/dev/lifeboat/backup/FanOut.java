package dev.lifeboat.backup;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.Seal;
import dev.lifeboat.pipeline.Pipeline;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Seals one snapshot once and writes the same stored bytes into every destination. A
 * repository that fails drops out and the others carry on; a slow one paces the rest, since
 * each write is bounded by that repository's own timeouts (any buffer in between would only
 * fill up and then wait as well, or hold the whole object in memory).
 */
final class FanOut {
    private FanOut() {
    }

    interface ManifestFor {
        Manifest of(Seal seal) throws IOException;
    }

    /** The manifest is null when no repository got to the end of the stream. */
    record Result(Manifest manifest, List<RepositoryOutcome> outcomes) {
    }

    static Result store(InputStream plain, StoredForm form, String id, String objectName,
                        List<Destination> destinations, ManifestFor manifestFor, LongConsumer progress)
            throws IOException {
        List<Branch> branches = destinations.stream().map(Branch::new).toList();
        try {
            branches.forEach(b -> b.start(id, objectName));
            if (branches.stream().allMatch(Branch::failed)) {
                return new Result(null, outcomes(branches));
            }
            Seal seal;
            try {
                seal = Pipeline.seal(plain, new Tee(branches), form, progress);
            } catch (AllBranchesFailed e) {
                return new Result(null, outcomes(branches));
            }
            Manifest manifest = manifestFor.of(seal);
            byte[] json = Json.write(manifest.asWritten());
            branches.forEach(b -> b.commit(json, manifest.seal().storedSize()));
            return new Result(manifest, outcomes(branches));
        } finally {
            branches.forEach(Branch::close);
        }
    }

    private static List<RepositoryOutcome> outcomes(List<Branch> branches) {
        return branches.stream().map(Branch::outcome).toList();
    }

    /** One destination's upload; its first failure takes it out of the run. */
    private static final class Branch {
        private final Destination to;
        private final long startNanos = System.nanoTime();
        private Repository.Upload upload;
        private OutputStream out;
        private LifeboatException failure;
        private long stored = -1;
        private long millis;

        Branch(Destination to) {
            this.to = to;
        }

        boolean failed() {
            return failure != null;
        }

        void start(String id, String objectName) {
            try {
                to.repository().removeLeftovers();
                upload = to.repository().startUpload(id, objectName);
                out = upload.data();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        void write(byte[] b, int off, int len) {
            try {
                out.write(b, off, len);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        void flush() {
            try {
                out.flush();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        void commit(byte[] manifestJson, long storedSize) {
            if (failed()) {
                return;
            }
            try {
                upload.commit(manifestJson);
                stored = storedSize;
                millis = elapsed();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        void close() {
            if (upload != null) {
                upload.close();
            }
        }

        private void fail(Exception e) {
            failure = BackupResult.unexpected(e);
            millis = elapsed();
        }

        private long elapsed() {
            return (System.nanoTime() - startNanos) / 1_000_000;
        }

        RepositoryOutcome outcome() {
            return failed() ? RepositoryOutcome.failed(to, millis, false, failure)
                    : RepositoryOutcome.stored(to, stored, millis, false);
        }
    }

    /** Raised into the pipeline once no destination is left, to stop reading the snapshot. */
    private static final class AllBranchesFailed extends IOException {
        AllBranchesFailed() {
            super("every repository failed");
        }
    }

    private static final class Tee extends OutputStream {
        private final List<Branch> branches;

        Tee(List<Branch> branches) {
            this.branches = branches;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (Branch branch : branches) {
                if (!branch.failed()) {
                    branch.write(b, off, len);
                }
            }
            requireAny();
        }

        @Override
        public void flush() throws IOException {
            for (Branch branch : branches) {
                if (!branch.failed()) {
                    branch.flush();
                }
            }
            requireAny();
        }

        private void requireAny() throws AllBranchesFailed {
            if (branches.stream().allMatch(Branch::failed)) {
                throw new AllBranchesFailed();
            }
        }
    }
}
