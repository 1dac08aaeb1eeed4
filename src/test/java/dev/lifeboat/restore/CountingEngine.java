package dev.lifeboat.restore;

import dev.lifeboat.manifest.Facts;
import dev.lifeboat.source.Engine;
import dev.lifeboat.source.Inspector;
import dev.lifeboat.source.KeyChange;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.Source;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A real engine whose restore targets count how often they are asked about their state, so a
 * test can show that one restore asks once. Everything else is the engine's own.
 */
final class CountingEngine implements Engine {
    private final Engine engine;
    private final Map<String, Integer> asked = new TreeMap<>();

    CountingEngine(Engine engine) {
        this.engine = engine;
    }

    /** How often each question was asked, over every target this engine made. */
    synchronized Map<String, Integer> asked() {
        return Map.copyOf(asked);
    }

    private synchronized void count(String question) {
        asked.merge(question, 1, Integer::sum);
    }

    @Override
    public String kind() {
        return engine.kind();
    }

    @Override
    public boolean accepts(String spec) {
        return engine.accepts(spec);
    }

    @Override
    public Source source(String spec) {
        return engine.source(spec);
    }

    @Override
    public List<Source> sources(String spec) {
        return engine.sources(spec);
    }

    @Override
    public Inspector inspector() {
        return engine.inspector();
    }

    @Override
    public Inspector inspector(String location, Map<String, String> access) {
        return engine.inspector(location, access);
    }

    @Override
    public Optional<KeyChange> keyChange(String location, Map<String, String> oldKey, Map<String, String> newKey) {
        return engine.keyChange(location, oldKey, newKey);
    }

    @Override
    public RestoreTarget target(String spec) {
        RestoreTarget target = engine.target(spec);
        return new RestoreTarget() {
            @Override
            public String location() {
                return target.location();
            }

            @Override
            public String defaultName() {
                return target.defaultName();
            }

            @Override
            public boolean exists() throws IOException {
                count("exists");
                return target.exists();
            }

            @Override
            public void checkReplaceable() throws IOException {
                count("checkReplaceable");
                target.checkReplaceable();
            }

            @Override
            public void checkRestorable(Facts facts) throws IOException {
                count("checkRestorable");
                target.checkRestorable(facts);
            }

            @Override
            public Staged stage() throws IOException {
                return target.stage();
            }
        };
    }
}
