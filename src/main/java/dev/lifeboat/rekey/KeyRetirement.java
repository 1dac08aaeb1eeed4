package dev.lifeboat.rekey;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.BackupReport;
import dev.lifeboat.backup.BackupRequest;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.BackupService;
import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.secret.DatabaseKey;
import dev.lifeboat.secret.KeyCheck;
import dev.lifeboat.source.Source;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.verify.VerifyReport;
import dev.lifeboat.verify.VerifyRequest;
import dev.lifeboat.verify.VerifyService;
import java.io.IOException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * After an SQLCipher key was reset and the old key is gone: a fresh backup under the new key,
 * verified by a real restore, and then every other backup of that database the new key cannot
 * open is deleted. Nothing is deleted before the fresh backup is proven.
 */
public final class KeyRetirement {
    private final BackupService backups;
    private final VerifyService verifier;

    public KeyRetirement(BackupService backups, VerifyService verifier) {
        this.backups = backups;
        this.verifier = verifier;
    }

    /**
     * What retiring would delete: the newest backup of {@code name} (or of the repository's only
     * name) tells which database, and every backup of it that the new key cannot open, from the
     * key check recorded with each, is listed.
     *
     * @param newest the newest backup of the database, whose source is the database to back up
     * @param unopenable the backups that retiring deletes once a fresh backup is proven
     */
    public record Plan(Manifest newest, List<Manifest> unopenable) {
        public Plan {
            unopenable = List.copyOf(unopenable);
        }

        public String name() {
            return newest.name();
        }
    }

    public static Plan plan(Repository repository, String name, DatabaseKey newKey) throws IOException {
        // The newest backup names the database, trustworthy or not: a SUSPICIOUS one is retired like any other.
        dev.lifeboat.backup.BackupSelector.Newest found = dev.lifeboat.backup.BackupSelector.newest(repository,
                name, null);
        Manifest newest = found.backup().orElseThrow(found::notFound);
        return new Plan(newest, unopenable(repository, newest.name(), newKey));
    }

    /** The backups of {@code name} the new key cannot open, from the key check recorded with each. */
    public static List<Manifest> unopenable(Repository repository, String name, DatabaseKey newKey)
            throws IOException {
        return repository.manifests().stream().filter(m -> m.name().equals(name) && !m.isPreRestore()
                && m.source().kind().equals("sqlcipher") && !opens(m, newKey)).toList();
    }

    private static boolean opens(Manifest m, DatabaseKey key) {
        String check = m.facts().properties().get("key_check");
        return check != null && KeyCheck.matches(check, key);
    }

    /** The proven fresh backup, its verification, and what was deleted or kept because it is being read. */
    public record Result(Manifest fresh, VerificationRecord verified, KeyPurge.Result purge) {
    }

    /**
     * @param source the database, opened with the new key
     * @param newKeyAccess how the verification opens the fresh backup, e.g. {@code key-env=VAR}
     */
    public Result retire(Repository repository, String repositorySpec, Source source, String name, DatabaseKey newKey,
                         Map<String, String> newKeyAccess, BackupKey key) throws Exception {
        BackupRequest request = new BackupRequest(List.of(source), Optional.of(name), Compression.NONE, 0,
                new EncryptionRequest.FromPins(), List.of(new BackupRequest.Target(repositorySpec, true,
                        Optional.empty(), ZoneOffset.UTC)), BackupRunner.Guards.NONE, true, "manual");
        BackupReport.Item item = backups.backUp(request).items().get(0);
        if (item.failure().isPresent()) {
            throw item.failure().get();
        }
        Manifest fresh = item.manifest().orElseThrow();
        if (!opens(fresh, newKey)) {
            throw new LifeboatException(ExitCode.KEY, "the new key does not open the database " + source.location()
                    + " itself; nothing was deleted");
        }
        VerifyReport report = verifier.verify(new VerifyRequest(repository, new VerifyRequest.Which.One(fresh.id()),
                Optional.empty(), key, newKeyAccess, "manual"));
        if (report.failure().isPresent()) {
            throw report.failure().get();
        }
        VerificationRecord verified = report.records().get(0);
        KeyPurge.Result purge = KeyPurge.deleteUnlessInUse(repository, fresh, name, m -> opens(m, newKey),
                "rekey-sqlcipher --retire-unopenable");
        return new Result(fresh, verified, purge);
    }
}
