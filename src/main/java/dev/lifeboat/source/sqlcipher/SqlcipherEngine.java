package dev.lifeboat.source.sqlcipher;

import dev.lifeboat.source.Side;
import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.secret.DatabaseKey;
import dev.lifeboat.source.Engine;
import dev.lifeboat.source.Inspector;
import dev.lifeboat.source.KeyChange;
import dev.lifeboat.source.Purgeable;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.Source;
import dev.lifeboat.source.sqlite.SqlitePurgeable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * SQLCipher-encrypted SQLite: {@code sqlcipher:PATH?key-env=VAR} (or {@code key-file=PATH}) with
 * optional cipher settings. Keys are read from {@code env} or files, only when needed.
 */
public final class SqlcipherEngine implements Engine {
    static final String KIND = "sqlcipher";
    private final Duration busy;
    private final Duration lockWait;
    private final Map<String, String> env;
    private final CipherFiles files;
    private final Clock clock;

    /**
     * @param busy how long to wait for other connections' locks on a live database
     * @param lockWait how long a backup waits for another backup of the same database by default
     * @param scratch where the isolated driver is unpacked (its {@code drivers} folder)
     */
    public SqlcipherEngine(Duration busy, Duration lockWait, Map<String, String> env, ScratchSpace scratch,
                           Clock clock) {
        this.busy = busy;
        this.lockWait = lockWait;
        this.env = Map.copyOf(env);
        this.files = new CipherFiles(new IsolatedDriver(scratch));
        this.clock = clock;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public boolean accepts(String spec) {
        return spec.startsWith(SqlcipherSpec.PREFIX);
    }

    @Override
    public Source source(String spec) {
        return new SqlcipherSource(SqlcipherSpec.parse(spec), files, env, busy, lockWait, clock);
    }

    @Override
    public Source source(String location, Map<String, String> access) {
        return new SqlcipherSource(SqlcipherSpec.parse(location, access), files, env, busy, lockWait, clock);
    }

    /** The variable of {@code key-env=}, when the key comes from one. */
    @Override
    public java.util.Set<String> secretVariables(String spec) {
        try {
            KeyReference key = SqlcipherSpec.parse(spec).key();
            return KeyReference.ENV.equals(key.parameter()) ? java.util.Set.of(key.value()) : java.util.Set.of();
        } catch (LifeboatException | IllegalArgumentException e) {
            return java.util.Set.of();   // a spec that does not parse is refused where it is opened
        }
    }

    @Override
    public RestoreTarget target(String spec) {
        SqlcipherSpec parsed = SqlcipherSpec.parse(spec);
        return new CipherTarget(parsed, files, parsed.key().read(env), busy);
    }

    /** Without the recorded location there is no key to open snapshots with; verify passes one. */
    @Override
    public Inspector inspector() {
        throw EngineFailure.request("opening an SQLCipher backup needs its key; give --key-env VAR"
                + " or --key-file FILE");
    }

    @Override
    public Inspector inspector(String location, Map<String, String> access) {
        SqlcipherSpec spec = SqlcipherSpec.parse(location, access);
        return new CipherInspector(files, spec.settings(), spec.key().read(env));
    }

    @Override
    public Optional<KeyChange> keyChange(String location, Map<String, String> oldKey, Map<String, String> newKey) {
        SqlcipherSpec before = SqlcipherSpec.parse(location, oldKey);
        SqlcipherSpec after = SqlcipherSpec.parse(location, newKey);
        return Optional.of(new CipherKeyChange(files, before.settings(), before.key().read(env),
                after.key().read(env), busy));
    }

    /**
     * The live database of {@code spec}, opened exactly as a backup opens it (its settings, its
     * key, the isolated driver, temp storage in memory), so purge rules run the same SQL as on
     * plain SQLite. The key is read on connect: a missing or wrong key fails with the backup's
     * one-line message; other errors come scrubbed of the key.
     */
    @Override
    public Optional<Purgeable> purgeable(String spec) {
        SqlcipherSpec parsed = SqlcipherSpec.parse(spec);
        return Optional.of(new SqlitePurgeable(KIND, parsed.file(), parsed.location(), () -> {
            DatabaseKey key = parsed.key().read(env);
            CipherFiles.requireFile(parsed.file(), "database", Side.SOURCE);
            return CipherSnapshot.open(files, parsed.file(), "database", Side.SOURCE, parsed.settings(), key,
                    CipherFiles.Access.READ_WRITE, busy);
        }));
    }

    /** {@code /srv/app.db} gives {@code app}. */
    static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
