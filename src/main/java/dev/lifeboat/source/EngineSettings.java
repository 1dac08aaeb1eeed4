package dev.lifeboat.source;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The engine option values of one run, as given on a command line or in a job's
 * {@code source-options}: option name to its values (a flag is {@code true} or {@code false}).
 * Only what was given is here; defaults come from the {@link EngineOption} declarations, and each
 * engine turns the values into its own typed options.
 */
public record EngineSettings(Map<String, List<String>> values) {
    public static final EngineSettings NONE = new EngineSettings(Map.of());

    public EngineSettings {
        TreeMap<String, List<String>> copy = new TreeMap<>();
        values.forEach((name, given) -> copy.put(name, List.copyOf(given)));
        values = java.util.Collections.unmodifiableMap(copy);
    }

    /** The values given for {@code name}; empty when it was not given. */
    public List<String> get(String name) {
        return values.getOrDefault(name, List.of());
    }

    public Set<String> names() {
        return values.keySet();
    }

    /** These settings with every option given in {@code overrides} taken from there instead. */
    public EngineSettings with(EngineSettings overrides) {
        TreeMap<String, List<String>> merged = new TreeMap<>(values);
        merged.putAll(overrides.values);
        return new EngineSettings(merged);
    }
}
