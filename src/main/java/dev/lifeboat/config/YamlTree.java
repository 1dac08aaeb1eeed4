package dev.lifeboat.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML into {@link Node}s that remember their line. Jackson's tree model forgets
 * positions, so the tree is built from the streaming parser instead.
 */
public final class YamlTree {
    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlTree() {
    }

    /** The document's root, or a {@link ConfigException} for a syntax error or duplicate key. */
    public static Node parse(String text, String file) {
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ConfigException(List.of(new Problem(file, new Node.Position(1, 1), "",
                        "the file is empty; start with 'jobs:' (see the README's configuration section)")));
            }
            List<Problem> duplicates = new ArrayList<>();
            Node root = read(parser, "", file, duplicates);
            if (!duplicates.isEmpty()) {
                throw new ConfigException(duplicates);
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String reason = e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
            throw new ConfigException(List.of(new Problem(file, at == null ? null
                    : new Node.Position(at.getLineNr(), at.getColumnNr()), "", "not valid YAML: " + reason)));
        } catch (IOException e) {
            throw new ConfigException(List.of(new Problem(file, null, "", "cannot be read: " + e.getMessage())));
        }
    }

    private static Node read(JsonParser parser, String path, String file, List<Problem> duplicates)
            throws IOException {
        Node.Position at = position(parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            Map<String, Node> entries = new LinkedHashMap<>();
            Map<String, Node.Position> keys = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                Node.Position keyAt = position(parser.currentTokenLocation());
                parser.nextToken();
                String childPath = path.isEmpty() ? key : path + "." + key;
                Node value = read(parser, childPath, file, duplicates);
                if (entries.containsKey(key)) {
                    duplicates.add(new Problem(file, keyAt, childPath, "is given twice; keep one"));
                }
                entries.put(key, value);
                keys.putIfAbsent(key, keyAt);
            }
            return new Node.Mapping(entries, keys, at, path);
        }
        if (token == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(read(parser, path + "[" + items.size() + "]", file, duplicates));
            }
            return new Node.Sequence(items, at, path);
        }
        boolean isNull = token == JsonToken.VALUE_NULL;
        return new Node.Scalar(isNull ? null : parser.getText(), isNull, at, path);
    }

    private static Node.Position position(JsonLocation location) {
        return new Node.Position(location.getLineNr(), location.getColumnNr());
    }
}
