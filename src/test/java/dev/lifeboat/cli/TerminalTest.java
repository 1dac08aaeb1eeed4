package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real command under a real pseudo-terminal ({@code script}), on every JDK 17+ installed under
 * /usr/lib/jvm as well as the one running the tests: the progress bar follows stderr alone (so
 * {@code | tee} keeps it, and {@code 2> file} never gets it), --quiet and TERM=dumb drop it, and
 * NO_COLOR turns the help's colours off.
 */
class TerminalTest {
    private static final String BAR = "\rbacking up shop: ";

    @TempDir
    Path dir;

    @Test
    void progressFollowsStderrAloneOnEveryJdk() throws IOException {
        for (Path java : jdks()) {
            Path out = dir.resolve("out-" + java.hashCode());
            String piped = pty(lifeboat(java, "backup examples/shop.db --repo " + repo() + " --no-encrypt") + " | cat > "
                    + out, Map.of());
            assertTrue(piped.contains(BAR), java + ": a bar on the terminal stderr while stdout is a pipe: " + piped);
            assertFalse(Files.readString(out).contains("\r"), java + ": " + Files.readString(out));
            assertTrue(Files.readString(out).startsWith("backup "), java + ": " + Files.readString(out));

            Path err = dir.resolve("err-" + java.hashCode());
            String redirected = pty(lifeboat(java, "backup examples/shop.db --repo " + repo() + " --no-encrypt") + " 2> "
                    + err, Map.of());
            assertFalse(Files.readString(err).contains("\r") || Files.readString(err).contains("backing up"),
                    java + ": no bar in a file, though stdin and stdout are terminals: " + Files.readString(err));
            assertTrue(redirected.contains("backup "), redirected);
        }
    }

    @Test
    void quietAndDumbTerminalsGetNoBar() {
        Path java = javaRunningTests();
        String quiet = pty(lifeboat(java, "backup examples/shop.db --repo " + repo() + " --no-encrypt -q"), Map.of());
        assertFalse(quiet.contains("backing up"), quiet);
        assertTrue(quiet.contains("backup "), quiet);
        String dumb = pty(lifeboat(java, "backup examples/shop.db --repo " + repo() + " --no-encrypt"),
                Map.of("TERM", "dumb"));
        assertFalse(dumb.contains("backing up"), dumb);
    }

    @Test
    void noColorTurnsTheHelpsColoursOff() {
        Path java = javaRunningTests();
        String coloured = pty(lifeboat(java, "backup --help"), Map.of());
        assertTrue(coloured.contains("\033["), "colours on a terminal, else this test proves nothing: " + coloured);
        String plain = pty(lifeboat(java, "backup --help"), Map.of("NO_COLOR", "1"));
        assertFalse(plain.contains("\033["), plain);
        assertTrue(plain.contains("Usage: lifeboat backup"), plain);
    }

    private String repo() {
        return dir.resolve("repo-" + System.nanoTime()).toString();
    }

    private String lifeboat(Path java, String arguments) {
        return "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' dev.lifeboat.cli.Main " + arguments;
    }

    /** Runs a shell command line with a pseudo-terminal as stdin, stdout and stderr; returns what the terminal got. */
    private String pty(String command, Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("TERM", "xterm", "LIFEBOAT_STATE_DIR",
                dir.resolve("state").toString(), "LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString()));
        all.putAll(env);
        List<String> script = List.of("script", "-qec", command, "/dev/null");
        Tools.Output output = Tools.run(script, all, null);
        assertEquals(0, output.exit(), command + ": " + output.out() + output.err());
        return output.out();
    }

    private static Path javaRunningTests() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The JVM running the tests, and every other JDK 17 or newer installed under /usr/lib/jvm. */
    private static List<Path> jdks() {
        List<Path> found = new ArrayList<>(List.of(javaRunningTests()));
        List<Path> real = new ArrayList<>(List.of(realPath(javaRunningTests())));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> homes = Files.list(jvms)) {
                for (Path home : homes.sorted().toList()) {
                    Path java = home.resolve("bin/java");
                    if (Files.isExecutable(java) && feature(home) >= 17 && !real.contains(realPath(java))) {
                        found.add(java);
                        real.add(realPath(java));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    private static int feature(Path home) {
        try {
            Path release = home.resolve("release");
            String version = Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION="))
                    .findFirst().orElse("JAVA_VERSION=\"0\"").replaceAll("JAVA_VERSION=\"(1\\.)?(\\d+).*", "$2");
            return Integer.parseInt(version);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }
}
