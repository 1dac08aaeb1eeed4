package dev.lifeboat.verify;

import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupStanding;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.Seal;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Pipeline;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.source.Inspector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The check shared by verify and restore: stream the object into a staged copy, proving both
 * checksums on the way, then let the engine check the copy and compare it with the manifest.
 */
public final class StagedCheck {
    private StagedCheck() {
    }

    /**
     * What passed, and whether the engine's structural check was left out.
     *
     * @param structureSkipped why it was left out (e.g. {@code verified 2026-12-01 02:00:00Z}), or empty
     */
    public record Checked(List<String> checks, Optional<String> structureSkipped) {
        public Checked {
            checks = List.copyOf(checks);
        }
    }

    /** Returns the checks that passed; any failure is an integrity or I/O error. */
    public static List<String> fill(Repository repository, Manifest manifest, Decryption decryption,
                                    Inspector.Staged staged, Progress progress) throws IOException {
        return fill(repository, manifest, decryption, staged, progress, Optional.empty()).checks();
    }

    /**
     * {@link #fill(Repository, Manifest, Decryption, Inspector.Staged, Progress)}, leaving out the
     * engine's structural check when {@code proof}, a verification of this backup, passed on a plain
     * snapshot whose SHA-256 equals the one just computed while streaming: the check already ran on
     * these exact bytes. The facts are still read and compared.
     */
    public static Checked fill(Repository repository, Manifest manifest, Decryption decryption,
                               Inspector.Staged staged, Progress progress, Optional<VerificationRecord> proof)
            throws IOException {
        decryption.checkCanOpen(manifest.encryption().scheme(), manifest.encryption().recipients());
        Compression compression = Compression.parse(manifest.compression().algorithm());
        staged.requireSpace(manifest.id(), manifest.seal().plainSize());
        Seal streamed;
        try (InputStream in = repository.openObject(manifest); OutputStream out = staged.output()) {
            streamed = Pipeline.unseal(in, out, compression, decryption, manifest.seal(),
                    progress.start("reading " + manifest.id(), manifest.seal().plainSize()));
        } finally {
            progress.finish();
        }
        List<String> checks = new ArrayList<>();
        checks.add("stored object: " + manifest.seal().storedSize() + " bytes, SHA-256 equal to the manifest");
        checks.add("plain snapshot after " + describe(manifest) + ": " + manifest.seal().plainSize()
                + " bytes, SHA-256 equal to the manifest");
        Optional<String> proven = proof.filter(record -> record.provesPlain(streamed.plainSha256()))
                .map(record -> "verified " + BackupStanding.time(record.verifiedAt()));
        Inspector.Inspection inspection = proven.isPresent() ? staged.check(proven.get()) : staged.check();
        checks.addAll(inspection.checks());
        checks.add(FactsComparison.requireEqual(manifest.facts(), inspection.facts()));
        return new Checked(checks, inspection.structureSkipped());
    }

    private static String describe(Manifest manifest) {
        String steps = "none".equals(manifest.encryption().scheme()) ? "" : manifest.encryption().scheme()
                + " decryption and ";
        return steps + manifest.compression().algorithm() + " decompression";
    }
}
