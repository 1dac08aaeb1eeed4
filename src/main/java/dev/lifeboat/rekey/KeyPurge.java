package dev.lifeboat.rekey;

import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.Destination;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.source.Source;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Retires a lost key: a fresh backup of the source under the new key first, then, holding the
 * database's lock, every other backup of that name the new key cannot open is deleted, except one
 * that a restore or verification is reading right now, which is kept and named.
 */
public final class KeyPurge {
    private final BackupRunner backups;

    public KeyPurge(BackupRunner backups) {
        this.backups = backups;
    }

    /** The fresh backup, what was deleted, and what was kept because it is being read. */
    public record Result(Manifest fresh, List<Manifest> deleted, List<String> keptInUse) {
    }

    public Result purge(Repository repository, Source source, String name, Encryption newKey) throws IOException {
        source.preflight();
        StoredForm form = new StoredForm(Compression.ZSTD, Compression.ZSTD.defaultLevel(), newKey);
        Manifest fresh = backups.run(source, name, form, List.of(Destination.required(repository)),
                BackupRunner.Guards.NONE).result().orElseThrow().requireStored();
        repository.pinEncryption(fresh.encryption());
        return deleteUnlessInUse(repository, fresh, name, m -> Rekeyer.opensWith(m, newKey), "rekey --purge");
    }

    /**
     * Holding the database's lock, deletes every backup of {@code name} but {@code fresh} that
     * {@code opens} says the new key cannot open; one being read right now is kept and named.
     */
    static Result deleteUnlessInUse(Repository repository, Manifest fresh, String name,
                                    java.util.function.Predicate<Manifest> opens, String purpose) throws IOException {
        List<Manifest> deleted = new ArrayList<>();
        List<String> keptInUse = new ArrayList<>();
        try (RepositoryLock lock = repository.lock(BackupRunner.lockScope(name), purpose)) {
            Set<String> inUse = repository.backupsInUse();
            for (Manifest m : repository.manifests()) {
                if (!m.name().equals(name) || m.isPreRestore() || m.id().equals(fresh.id()) || opens.test(m)) {
                    continue;
                }
                if (inUse.contains(m.id())) {
                    keptInUse.add(m.id());
                    continue;
                }
                repository.delete(m);
                deleted.add(m);
            }
        }
        return new Result(fresh, deleted, keptInUse);
    }
}
