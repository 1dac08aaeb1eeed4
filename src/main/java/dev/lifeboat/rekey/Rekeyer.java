package dev.lifeboat.rekey;

import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.Seal;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.Reseal;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryLock;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Re-encrypts stored backups for new recipients, one backup at a time: the old object is decrypted
 * and encrypted again in one stream (never decompressed, never on disk), the new object is read
 * back, the manifest switches to it, and only then is the old object removed. A re-key cut short
 * leaves every backup readable with the old key or the new one.
 */
public final class Rekeyer {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);
    private final Clock clock;

    public Rekeyer(Clock clock) {
        this.clock = clock;
    }

    /** What a re-key did: backups re-encrypted, and those already readable by the new key or not encrypted. */
    public record Result(List<String> rekeyed, List<String> unchanged) {
    }

    public Result rekey(Repository repository, Optional<String> name, Function<Manifest, Decryption> oldKey,
                        Encryption newKey) throws IOException {
        // A killed re-key's temp object goes first, so that one never stays beside a backup.
        repository.tryRemoveLeftovers();
        List<String> rekeyed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (Manifest m : repository.manifests()) {
            if (name.isPresent() && !name.get().equals(m.name())) {
                continue;
            }
            if ("none".equals(m.encryption().scheme()) || opensWith(m, newKey)) {
                unchanged.add(m.id());
                continue;
            }
            rekeyOne(repository, m, oldKey.apply(m), newKey);
            rekeyed.add(m.id());
        }
        repository.pinEncryption(new Manifest.EncryptionInfo(newKey.scheme(), newKey.recipients()));
        return new Result(rekeyed, unchanged);
    }

    /** True when the backup is already encrypted for exactly the new recipients. */
    public static boolean opensWith(Manifest m, Encryption key) {
        return opensWith(m, new Manifest.EncryptionInfo(key.scheme(), key.recipients()));
    }

    /** True when the backup is encrypted for exactly these recipients (a passphrase is never the same one). */
    static boolean opensWith(Manifest m, Manifest.EncryptionInfo key) {
        return m.encryption().scheme().equals(key.scheme()) && !key.recipients().contains("scrypt")
                && new HashSet<>(m.encryption().recipients()).equals(new HashSet<>(key.recipients()));
    }

    private void rekeyOne(Repository repository, Manifest m, Decryption oldKey, Encryption newKey) throws IOException {
        oldKey.checkCanOpen(m.encryption().scheme(), m.encryption().recipients());
        String object = newObjectName(m, newKey);
        try (RepositoryLock lock = repository.lock(BackupRunner.lockScope(m.name()), "rekey");
             Repository.Upload upload = repository.startReplacement(m, object);
             InputStream old = repository.openObject(m)) {
            Seal seal = Reseal.reseal(old, m.seal(), oldKey, newKey, upload.data());
            upload.commit(Json.write(m.withStoredObject(object, seal,
                    new Manifest.EncryptionInfo(newKey.scheme(), newKey.recipients()))));
        }
    }

    /** {@code snapshot.sqlite.zst.age} becomes {@code snapshot-rekeyed-20261122031345.sqlite.zst.gpg}. */
    private String newObjectName(Manifest m, Encryption newKey) {
        String base = m.object().replaceFirst("^snapshot(-rekeyed-\\d{14})?", "").replaceFirst("\\.(age|gpg)$", "");
        return "snapshot-rekeyed-" + STAMP.format(clock.instant()) + base + newKey.extension();
    }
}
