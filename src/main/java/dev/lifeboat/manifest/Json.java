package dev.lifeboat.manifest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON mapping for manifests, records, command output and the daemon's API: snake_case
 * keys everywhere. Manifests, verification records and descriptors written before that used
 * camelCase; their records name the old keys with {@code @JsonAlias}, so they still read.
 * (Map keys, such as table names, are data and never renamed.)
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .addModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Json() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String writeString(Object value) {
        return new String(write(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code value} as a JSON object with one more field, e.g. a manifest with per-repository results. */
    public static String writeStringWith(Object value, String field, Object extra) {
        return writeString(with(value, field, extra));
    }

    /** {@code value} as a JSON object with one more field, to be written with others (a list of them). */
    public static Object with(Object value, String field, Object extra) {
        com.fasterxml.jackson.databind.node.ObjectNode node = MAPPER.valueToTree(value);
        node.set(field, MAPPER.valueToTree(extra));
        return node;
    }

    /**
     * The envelope of every document Lifeboat prints or serves ({@code --json}, {@code /api/*}):
     * {@code {"schema": "lifeboat/<kind>/v1", ...}} with the fields of {@code body} (a record or
     * map, rendered as an object) after it. Its shape is {@code schema/<kind>.json} in the resources.
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode document(String kind, Object body) {
        com.fasterxml.jackson.databind.node.ObjectNode node = MAPPER.createObjectNode();
        node.put("schema", schema(kind));
        node.setAll(tree(body));
        return node;
    }

    /** The schema name of documents of {@code kind}: {@code lifeboat/<kind>/v1}. */
    public static String schema(String kind) {
        return "lifeboat/" + kind + "/v1";
    }

    /** {@code value} as a JSON object node, to which a front end may add fields. */
    public static com.fasterxml.jackson.databind.node.ObjectNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** {@code value} as one line of JSON, for JSON Lines. */
    public static String writeLine(Object value) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }
}
