package dev.lifeboat.packaging;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The packages `./mvnw package` wrote into target/ (CI runs it before the tests). */
final class Built {
    static final Path TARGET = Path.of("target");

    private Built() {
    }

    /** The one file in target/ whose name starts and ends so; fails saying how to build it. */
    static Path file(String prefix, String suffix) {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)
                            && f.getFileName().toString().endsWith(suffix))
                    .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no target/" + prefix + "*" + suffix + "; build the"
                            + " packages first: ./mvnw -B -ntp -DskipTests package (bash .ci/run does)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project's version, as the archive's name says it. */
    static String version() {
        String name = file("lifeboat-", ".tar.gz").getFileName().toString();
        return name.substring("lifeboat-".length(), name.length() - ".tar.gz".length());
    }

    static void requireRoot(String why) {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("this test " + why + " and must run as root, as CI does (bash .ci/run as root)");
        }
    }
}
