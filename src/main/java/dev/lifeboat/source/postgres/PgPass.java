package dev.lifeboat.source.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a password from PGPASSFILE or ~/.pgpass the way libpq does, so Lifeboat's own connection
 * authenticates exactly like the pg_dump and pg_restore it starts.
 */
final class PgPass {
    private PgPass() {
    }

    static Optional<String> lookup(Map<String, String> env, PgUrl url, String database) {
        String configured = env.get("PGPASSFILE");
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        Path file = configured != null ? Path.of(configured) : Path.of(home, ".pgpass");
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        // libpq matches a socket connection against the entry "localhost".
        String host = url.unixSocket() ? "localhost" : url.host();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                List<String> fields = fields(line);
                if (fields.size() == 5 && matches(fields.get(0), host) && matches(fields.get(1), "" + url.port())
                        && matches(fields.get(2), database) && matches(fields.get(3), url.user())) {
                    return Optional.of(fields.get(4));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean matches(String pattern, String value) {
        return pattern.equals("*") || pattern.equals(value);
    }

    /** Splits on ':' honouring libpq's backslash escapes. */
    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                field.append(line.charAt(++i));
            } else if (c == ':' && fields.size() < 4) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
