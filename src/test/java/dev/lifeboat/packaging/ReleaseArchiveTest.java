package dev.lifeboat.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive the build makes: unpacked as a user would, its launcher runs the jar beside it
 * (backing up the example database), and it carries every man page and completion the build wrote.
 */
class ReleaseArchiveTest {
    @TempDir
    Path dir;

    @Test
    void theUnpackedArchiveRunsAndCarriesManPagesCompletionsAndLicense() throws IOException {
        Path archive = Built.file("lifeboat-", ".tar.gz");
        String version = Built.version();
        Tools.ok("tar", "-xzf", archive.toString(), "-C", dir.toString());
        Path root = dir.resolve("lifeboat-" + version);

        Path launcher = root.resolve("bin/lifeboat");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(launcher)));
        assertTrue(Files.isRegularFile(root.resolve("share/lifeboat/lifeboat.jar")));
        assertTrue(Files.readString(root.resolve("share/lifeboat/schema/backup.json")).contains("lifeboat/backup/v1"));
        assertTrue(Files.readString(root.resolve("LICENSE")).contains("Apache License"));
        assertTrue(Files.isRegularFile(root.resolve("README.md")) && Files.isRegularFile(root.resolve("CHANGELOG.md")));
        for (String completion : List.of("share/bash-completion/completions/lifeboat", "share/zsh/site-functions/_lifeboat",
                "share/fish/vendor_completions.d/lifeboat.fish")) {
            assertTrue(Files.size(root.resolve(completion)) > 1000, completion);
        }
        try (Stream<Path> built = Files.list(Built.TARGET.resolve("shell/man/man1"))) {
            for (Path page : built.toList()) {
                assertEquals(Files.readString(page), Files.readString(root.resolve("share/man/man1")
                        .resolve(page.getFileName())), page.getFileName().toString());
            }
        }

        assertEquals("lifeboat " + version + "\n", Tools.ok(launcher.toString(), "--version"));
        Map<String, String> env = Map.of("LIFEBOAT_STATE_DIR", dir.resolve("state").toString(),
                "LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString());
        Tools.Output backup = Tools.run(List.of(launcher.toString(), "backup", "examples/shop.db", "--repo",
                dir.resolve("repo").toString(), "--no-encrypt", "--quiet"), env, null);
        assertEquals(0, backup.exit(), backup.out() + backup.err());
        assertTrue(backup.out().contains("3 tables, 1250 rows"), backup.out());
    }

    @Test
    void theLauncherSaysWhatJavaItNeeds() throws IOException {
        Path launcher = Path.of("packaging/bin/lifeboat").toAbsolutePath();
        Path old = dir.resolve("jdk-11");
        Files.createDirectories(old.resolve("bin"));
        Files.writeString(old.resolve("release"), "JAVA_VERSION=\"11.0.22\"\n");
        Path java = Files.writeString(old.resolve("bin/java"), "#!/bin/sh\necho started >&2\nexit 3\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        Tools.Output tooOld = Tools.run(List.of(launcher.toString(), "--version"), Map.of("JAVA_HOME", old.toString()),
                null);
        assertEquals(1, tooOld.exit(), tooOld.err());
        assertEquals("lifeboat: " + java + " is Java 11; Lifeboat needs Java 17 or newer (set JAVA_HOME to one)\n",
                tooOld.err());

        Tools.Output none = Tools.run(List.of(launcher.toString(), "--version"),
                Map.of("JAVA_HOME", dir.resolve("no-such-jdk").toString()), null);
        assertEquals(1, none.exit(), none.err());
        assertTrue(none.err().startsWith("lifeboat: no Java runtime found; install Java 17 or newer"), none.err());
    }
}
