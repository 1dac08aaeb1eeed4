package dev.lifeboat.rekey;

import dev.lifeboat.backup.BackupReport;
import dev.lifeboat.backup.BackupRequest;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.BackupService;
import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.source.Source;
import java.io.IOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Retires a lost key: a fresh backup of the source under the new key first, made by the one
 * {@link BackupService} (preflight, locks, catalog records), then, holding the database's lock,
 * every other backup of that name the new key cannot open is deleted, except one that a restore
 * or verification is reading right now, which is kept and named.
 */
public final class KeyPurge {
    private final BackupService backups;

    public KeyPurge(BackupService backups) {
        this.backups = backups;
    }

    /**
     * The fresh backup, what was deleted, and what was kept because it is being read, with why.
     *
     * @param keptInUse ids of backups kept because a restore or verification is reading them
     */
    public record Result(Manifest fresh, List<Manifest> deleted, List<String> keptInUse) {
        /** Why each kept backup was kept, one line each, for the run to say. */
        public List<String> keptReasons() {
            return keptInUse.stream().map(id -> "kept " + id + ": a restore or verification is reading it right"
                    + " now; run 'lifeboat rekey --purge' again when it is done").toList();
        }
    }

    /**
     * @param repositorySpec the repository, as the backup service opens it
     * @param newKey the new key, which replaces the repository's pin once the fresh backup is stored
     */
    public Result purge(Repository repository, String repositorySpec, Source source, String name,
                        EncryptionRequest newKey) throws Exception {
        BackupRequest request = new BackupRequest(List.of(source), Optional.of(name), Compression.ZSTD,
                Compression.ZSTD.defaultLevel(), newKey, List.of(new BackupRequest.Target(repositorySpec, true,
                        Optional.empty(), ZoneOffset.UTC)), BackupRunner.Guards.NONE, false, "manual");
        BackupReport.Item item = backups.backUp(request).items().get(0);
        if (item.failure().isPresent()) {
            throw item.failure().get();
        }
        Manifest fresh = item.manifest().orElseThrow();
        repository.pinEncryption(fresh.encryption());
        return deleteUnlessInUse(repository, fresh, name, m -> Rekeyer.opensWith(m, fresh.encryption()),
                "rekey --purge");
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
