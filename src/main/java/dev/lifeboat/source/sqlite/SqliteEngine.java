package dev.lifeboat.source.sqlite;

import dev.lifeboat.source.Engine;
import dev.lifeboat.source.Inspector;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.Source;
import java.nio.file.Path;

/** Plain SQLite: a path, or {@code sqlite:PATH}. */
public final class SqliteEngine implements Engine {
    static final String KIND = "sqlite";
    private static final String PREFIX = "sqlite:";
    private final LockBudget budget;

    /** @param lockWait how long to wait for other connections' locks on a live database */
    public SqliteEngine(java.time.Duration lockWait) {
        this.budget = new LockBudget(lockWait);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public boolean accepts(String spec) {
        return spec.startsWith(PREFIX) || !spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    }

    @Override
    public Source source(String spec) {
        return new SqliteSource(path(spec), budget);
    }

    @Override
    public RestoreTarget target(String spec) {
        return new SqliteTarget(path(spec), budget);
    }

    @Override
    public java.util.Optional<dev.lifeboat.source.Purgeable> purgeable(String spec) {
        return java.util.Optional.of(SqlitePurgeable.plain(path(spec).toAbsolutePath().normalize(), budget));
    }

    @Override
    public Inspector inspector() {
        return new SqliteInspector();
    }

    private static Path path(String spec) {
        return Path.of(spec.startsWith(PREFIX) ? spec.substring(PREFIX.length()) : spec);
    }

    /** {@code /srv/app.db} gives {@code app}. */
    static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
