package dev.lifeboat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Prometheus' own linter for the text exposition format (Debian's prometheus package). */
public final class Promtool {
    private Promtool() {
    }

    /** Fails unless {@code promtool check metrics} accepts the text without a problem or warning. */
    public static void checkMetrics(String metrics, Path dir) {
        try {
            Path file = Files.createTempFile(dir, "metrics", ".prom");
            Files.writeString(file, metrics);
            checkMetrics(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails unless {@code promtool check metrics} accepts the file without a problem or warning. */
    public static void checkMetrics(Path file) {
        Tools.Output checked = Tools.run(List.of("promtool", "check", "metrics"), Map.of(), file);
        assertEquals(0, checked.exit(), "promtool check metrics: " + checked.out() + checked.err());
        assertEquals("", (checked.out() + checked.err()).strip(), "promtool warns about " + file);
    }
}
