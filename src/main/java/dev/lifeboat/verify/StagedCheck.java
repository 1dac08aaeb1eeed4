package dev.lifeboat.verify;

import dev.lifeboat.Progress;
import dev.lifeboat.manifest.Manifest;
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

/**
 * The check shared by verify and restore: stream the object into a staged copy, proving both
 * checksums on the way, then let the engine check the copy and compare it with the manifest.
 */
public final class StagedCheck {
    private StagedCheck() {
    }

    /** Returns the checks that passed; any failure is an integrity or I/O error. */
    public static List<String> fill(Repository repository, Manifest manifest, Decryption decryption,
                                    Inspector.Staged staged, Progress progress) throws IOException {
        decryption.checkCanOpen(manifest.encryption().scheme(), manifest.encryption().recipients());
        Compression compression = Compression.parse(manifest.compression().algorithm());
        staged.requireSpace(manifest.id(), manifest.seal().plainSize());
        try (InputStream in = repository.openObject(manifest); OutputStream out = staged.output()) {
            Pipeline.unseal(in, out, compression, decryption, manifest.seal(),
                    progress.start("reading " + manifest.id(), manifest.seal().plainSize()));
        } finally {
            progress.finish();
        }
        List<String> checks = new ArrayList<>();
        checks.add("stored object: " + manifest.seal().storedSize() + " bytes, SHA-256 equal to the manifest");
        checks.add("plain snapshot after " + describe(manifest) + ": " + manifest.seal().plainSize()
                + " bytes, SHA-256 equal to the manifest");
        Inspector.Inspection inspection = staged.check();
        checks.addAll(inspection.checks());
        checks.add(FactsComparison.requireEqual(manifest.facts(), inspection.facts()));
        return checks;
    }

    private static String describe(Manifest manifest) {
        String steps = "none".equals(manifest.encryption().scheme()) ? "" : manifest.encryption().scheme()
                + " decryption and ";
        return steps + manifest.compression().algorithm() + " decompression";
    }
}
