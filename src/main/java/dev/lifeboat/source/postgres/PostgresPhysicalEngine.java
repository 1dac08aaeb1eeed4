package dev.lifeboat.source.postgres;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.source.Engine;
import dev.lifeboat.source.Inspector;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.Source;
import java.util.Map;

/**
 * Base backups of whole clusters ({@code backup --physical}): they are made by the PostgreSQL
 * engine's {@code --physical} option and restored into a data directory with
 * {@code restore --to-data-dir}; this engine is what their manifests' kind stands for.
 */
public final class PostgresPhysicalEngine implements Engine {
    private final Map<String, String> env;

    public PostgresPhysicalEngine(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public String kind() {
        return PgBaseBackupSource.KIND;
    }

    @Override
    public boolean accepts(String spec) {
        return false;
    }

    @Override
    public Source source(String spec) {
        throw EngineFailure.request("a base backup is made with: lifeboat backup postgresql://…"
                + " --physical --repo REPO");
    }

    @Override
    public RestoreTarget target(String spec) {
        throw EngineFailure.request("a base backup is restored into a data directory: lifeboat"
                + " restore ID --repo REPO --to-data-dir DIR");
    }

    /** Verification starts the copy as the PostgreSQL OS user, {@code postgres}. */
    @Override
    public Inspector inspector() {
        return new PhysicalInspector(dev.lifeboat.source.postgres.PostgresOsUser.DEFAULT, env);
    }
}
