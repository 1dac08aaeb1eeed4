package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.Side;
import dev.lifeboat.scratch.DatabaseLock;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.secret.DatabaseKey;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.source.Source;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** An SQLCipher database file, WAL mode included; one backup of it at a time. */
final class SqlcipherSource implements Source {
    private final SqlcipherSpec spec;
    private final CipherFiles files;
    private final Map<String, String> env;
    private final Duration busy;
    private final Duration defaultLockWait;
    private final Clock clock;

    SqlcipherSource(SqlcipherSpec spec, CipherFiles files, Map<String, String> env, Duration busy,
                    Duration defaultLockWait, Clock clock) {
        this.spec = spec;
        this.files = files;
        this.env = env;
        this.busy = busy;
        this.defaultLockWait = defaultLockWait;
        this.clock = clock;
    }

    @Override
    public String kind() {
        return SqlcipherEngine.KIND;
    }

    @Override
    public String location() {
        return spec.location();
    }

    @Override
    public String defaultName() {
        return SqlcipherEngine.baseName(spec.file());
    }

    @Override
    public String identity() {
        return dev.lifeboat.source.Canonical.fileIdentity(kind(), spec.file());
    }

    @Override
    public java.util.Optional<Duration> lockWait() {
        return spec.lockWait();
    }

    @Override
    public boolean snapshotIsEncrypted() {
        return true;
    }

    @Override
    public void preflight() {
        spec.key().read(env);
        CipherFiles.requireFile(spec.file(), "database", Side.SOURCE);
    }

    /** Checks the key and the file before taking the per-database lock, so a mistake writes nothing. */
    @Override
    public Snapshot snapshot(ScratchSpace scratch) {
        DatabaseKey key = spec.key().read(env);
        CipherFiles.requireFile(spec.file(), "database", Side.SOURCE);
        DatabaseLock lock = DatabaseLock.acquire(scratch, spec.file(), spec.lockWait().orElse(defaultLockWait), clock);
        return CipherSnapshot.take(files, spec.file(), "database", Side.SOURCE, spec.settings(), key, key, scratch,
                busy, lock);
    }
}
