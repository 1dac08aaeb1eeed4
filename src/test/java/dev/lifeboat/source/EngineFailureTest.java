package dev.lifeboat.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Engines say what failed, never which exit code to use: one mapping turns each kind into the
 * README's exit code, and no engine source names an exit code.
 */
class EngineFailureTest {
    @Test
    void eachKindHasTheExitCodeTheReadmeDocuments() {
        Map<EngineFailure.Kind, ExitCode> expected = Map.of(EngineFailure.Kind.SOURCE, ExitCode.SOURCE,
                EngineFailure.Kind.TARGET, ExitCode.TARGET, EngineFailure.Kind.REQUEST, ExitCode.USAGE,
                EngineFailure.Kind.KEY, ExitCode.KEY, EngineFailure.Kind.CONTENT, ExitCode.INTEGRITY,
                EngineFailure.Kind.LOCAL, ExitCode.FAILURE);
        assertEquals(EngineFailure.Kind.values().length, expected.size());
        expected.forEach((kind, code) -> assertEquals(code, new EngineFailure(kind, "x").exitCode(), kind.name()));
        assertEquals(ExitCode.SOURCE, Side.SOURCE.failure("x").exitCode());
        assertEquals(ExitCode.TARGET, Side.TARGET.failure("x").exitCode());
        assertEquals(ExitCode.FAILURE, Side.SCRATCH.failure("x").exitCode());
        assertEquals(ExitCode.TARGET, new TargetUnchanged("x").exitCode());
    }

    @Test
    void noEngineNamesAnExitCode() throws Exception {
        Path root = Path.of("src/main/java/dev/lifeboat/source");
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> naming = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("EngineFailure.java"))
                    .filter(f -> read(f).contains("ExitCode")).toList();
            assertEquals(List.of(), naming, "engines throw EngineFailure kinds or fail on a Side");
        }
        assertTrue(read(root.resolve("EngineFailure.java")).contains("switch (kind)"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
