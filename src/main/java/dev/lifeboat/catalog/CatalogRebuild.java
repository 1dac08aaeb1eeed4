package dev.lifeboat.catalog;

import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.repository.Repository;
import java.io.IOException;
import java.util.List;

/** Recreates the catalog from the repositories, which are the truth. */
public final class CatalogRebuild {
    private CatalogRebuild() {
    }

    /** Returns how many backups were indexed. */
    public static int rebuild(Catalog catalog, List<Repository> repositories) throws IOException {
        catalog.clear();
        int count = 0;
        for (Repository repository : repositories) {
            String location = repository.location();
            for (Manifest m : repository.manifests()) {
                RunStatus status = m.isSuspicious() ? RunStatus.SUSPICIOUS : RunStatus.COMPLETED;
                catalog.putFinishedRun(new Run(0, "backup", m.isPreRestore() ? "pre-restore" : "manual", status,
                        m.name(), location, m.id(), m.startedAt(), m.finishedAt(), m.durationMillis(),
                        m.seal().plainSize(), m.seal().storedSize(), null));
                VerificationRecord last = null;
                for (byte[] bytes : repository.records(m.id(), "verify-")) {
                    java.util.Optional<VerificationRecord> read = VerificationRecord.read(bytes, m.id());
                    if (read.isEmpty()) {
                        continue;
                    }
                    last = read.get();
                    catalog.putFinishedRun(new Run(0, "verify", "manual", last.passed() ? RunStatus.COMPLETED : RunStatus.FAILED,
                            m.name(), location, m.id(), last.verifiedAt(), last.verifiedAt(), null, null, null,
                            last.error()));
                }
                catalog.putBackup(m, location, last == null ? status : last.passed() ? RunStatus.VERIFIED : RunStatus.FAILED,
                        last == null ? null : last.verifiedAt());
                count++;
            }
        }
        return count;
    }
}
