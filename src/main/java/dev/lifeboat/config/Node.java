package dev.lifeboat.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML value with the place it was written, so that every error can name its line and key. */
public sealed interface Node permits Node.Scalar, Node.Mapping, Node.Sequence {
    /** Line and column, both 1-based. */
    record Position(int line, int column) {
    }

    Position position();

    /** The dotted key path, e.g. {@code jobs.shop.repositories[0].path}. */
    String path();

    /** A plain value as written; {@code null} stays distinguishable from the text "null" through {@link #isNull}. */
    record Scalar(String text, boolean isNull, Position position, String path) implements Node {
    }

    /** {@code keys} holds where each key was written, for errors about the key itself. */
    record Mapping(Map<String, Node> entries, Map<String, Position> keys, Position position, String path)
            implements Node {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            keys = Map.copyOf(keys);
        }
    }

    record Sequence(List<Node> items, Position position, String path) implements Node {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** How a value is named in messages: "a list", "a map" or "a value". */
    default String describe() {
        if (this instanceof Mapping) {
            return "a map";
        }
        return this instanceof Sequence ? "a list" : "a value";
    }
}
