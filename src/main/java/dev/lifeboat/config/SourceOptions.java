package dev.lifeboat.config;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.source.Engine;
import dev.lifeboat.source.EngineOption;
import dev.lifeboat.source.EngineSettings;
import dev.lifeboat.source.Engines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A backup job's {@code source-options}: its engine's options, keyed by the names the command line
 * uses without the dashes, checked against the engine's declarations and then by the engine itself
 * together with the source, exactly as a run would take them.
 */
final class SourceOptions {
    private final ConfigContext context;
    private final Engines engines;

    SourceOptions(ConfigContext context, Engines engines) {
        this.context = context;
        this.engines = engines;
    }

    /** @param node the {@code source-options} map, if the job has one */
    EngineSettings read(Optional<Node> node, Node sourceNode, String source) {
        Engine engine;
        try {
            engine = engines.forSpec(source);
        } catch (LifeboatException e) {
            context.problem(sourceNode, e.getMessage());
            return EngineSettings.NONE;
        }
        int problems = context.problems().size();
        EngineSettings settings = node.map(n -> settings(n, engine)).orElse(EngineSettings.NONE);
        if (context.problems().size() > problems) {
            return settings;
        }
        try {
            engine.configured(settings);
        } catch (LifeboatException e) {
            context.problem(node.orElse(sourceNode), e.getMessage());
            return settings;
        }
        try {
            engine.check(source, settings);
        } catch (LifeboatException e) {
            context.problem(sourceNode, e.getMessage());
        }
        return settings;
    }

    private EngineSettings settings(Node node, Engine engine) {
        if (!(node instanceof Node.Mapping mapping)) {
            context.problem(node, "must be a map of option names to values, e.g. source-options: { schema:"
                    + " [ tenant_42 ] }, not " + node.describe());
            return EngineSettings.NONE;
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        mapping.entries().forEach((key, value) -> {
            Optional<EngineOption> option = engine.options().stream().filter(o -> o.name().equals(key)).findFirst();
            if (option.isEmpty()) {
                context.problemAt(mapping.keys().get(key), value.path(), unknown(key, engine));
            } else if (!(value instanceof Node.Scalar s && s.isNull())) {
                values.put(key, values(option.get(), value));
            }
        });
        return new EngineSettings(values);
    }

    private String unknown(String key, Engine engine) {
        Optional<String> kind = engines.kindTaking(key);
        if (kind.isPresent()) {
            return "'" + key + "' is an option of " + kind.get() + " sources, and this job's source is a "
                    + engine.kind() + " database";
        }
        Set<String> known = new TreeSet<>();
        engine.options().forEach(o -> known.add(o.name()));
        return "unknown option" + Fields.suggestion(key, known) + "; " + (known.isEmpty() ? engine.kind()
                + " sources take no options" : "options of " + engine.kind() + " sources: " + String.join(", ", known));
    }

    private List<String> values(EngineOption option, Node node) {
        List<Node> items = option.type() == EngineOption.Type.LIST && node instanceof Node.Sequence seq
                ? seq.items() : List.of(node);
        List<String> values = new ArrayList<>();
        for (Node item : items) {
            context.text(item).ifPresent(text -> {
                option.problem(text).ifPresentOrElse(problem -> context.problem(item, problem),
                        () -> values.add(text));
            });
        }
        return values;
    }
}
