package dev.lifeboat.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The keys of one YAML map, read with types. Every problem is recorded in the context and a
 * neutral value returned, so one pass reports every error in the file.
 */
final class Fields {
    private final ConfigContext context;
    private final Node node;
    private final Map<String, Node> entries;

    Fields(ConfigContext context, Node node, String... allowed) {
        this.context = context;
        this.node = node;
        if (node instanceof Node.Mapping mapping) {
            this.entries = mapping.entries();
            Set<String> known = new LinkedHashSet<>(Arrays.asList(allowed));
            for (Map.Entry<String, Node> e : entries.entrySet()) {
                if (!known.contains(e.getKey())) {
                    context.problemAt(mapping.keys().get(e.getKey()), e.getValue().path(), "unknown key"
                            + suggestion(e.getKey(), known) + "; allowed here: " + String.join(", ", known));
                }
            }
        } else {
            this.entries = Map.of();
            context.problem(node, "must be a map of keys (" + String.join(", ", allowed) + "), not "
                    + node.describe());
        }
    }

    Node node() {
        return node;
    }

    Optional<Node> get(String key) {
        Node value = entries.get(key);
        return value instanceof Node.Scalar s && s.isNull() ? Optional.empty() : Optional.ofNullable(value);
    }

    Optional<String> string(String key) {
        return get(key).flatMap(context::text);
    }

    Optional<String> secret(String key) {
        return get(key).flatMap(context::secret);
    }

    Optional<String> required(String key, String hint) {
        if (get(key).isEmpty()) {
            context.problem(node, "'" + key + "' is missing; " + hint);
            return Optional.empty();
        }
        return string(key);
    }

    int integer(String key, int min, int max, int fallback) {
        Optional<Node> value = get(key);
        Optional<String> text = value.flatMap(context::text);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text.get().trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        context.problem(value.get(), "'" + text.get() + "' must be a whole number from " + min + " to " + max);
        return fallback;
    }

    boolean bool(String key, boolean fallback) {
        Optional<Node> value = get(key);
        Optional<String> text = value.flatMap(context::text);
        if (text.isEmpty()) {
            return fallback;
        }
        return switch (text.get().trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                context.problem(value.get(), "'" + text.get() + "' must be true or false");
                yield fallback;
            }
        };
    }

    Optional<Duration> duration(String key) {
        Optional<Node> value = get(key);
        return value.flatMap(context::text).flatMap(text -> {
            try {
                return Optional.of(Durations.parse(text));
            } catch (IllegalArgumentException e) {
                context.problem(value.get(), e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** One of the allowed words, lower case. */
    Optional<String> choice(String key, List<String> allowed) {
        Optional<Node> value = get(key);
        return value.flatMap(context::text).flatMap(text -> {
            if (allowed.contains(text.trim())) {
                return Optional.of(text.trim());
            }
            context.problem(value.get(), "'" + text + "' is not allowed; use one of " + String.join(", ", allowed));
            return Optional.empty();
        });
    }

    static String suggestion(String key, Set<String> known) {
        return known.stream().min(Comparator.comparingInt(k -> distance(k, key)))
                .filter(k -> distance(k, key) <= 2).map(k -> " (did you mean '" + k + "'?)").orElse("");
    }

    /** Levenshtein distance, for "did you mean" on short keys. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            previous = current;
        }
        return previous[b.length()];
    }
}
