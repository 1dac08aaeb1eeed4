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
        assertTrue(Files.readString(root.resolve("share/lifeboat/wal-push-hand-off.sh")).contains("lifeboat_hand_off()"));
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
        Path cache = dir.resolve("cache/lifeboat");
        assertTrue(Files.notExists(cache), "--version makes no class-data archive");
        Map<String, String> env = Map.of("LIFEBOAT_STATE_DIR", dir.resolve("state").toString(),
                "LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString(), "XDG_CACHE_HOME", dir.resolve("cache")
                        .toString());
        // The first real command makes the archive as it exits, and still exits as it would have.
        Tools.Output missing = Tools.run(List.of(launcher.toString(), "list", "--repo", dir.resolve("none").toString()),
                env, null);
        assertEquals(5, missing.exit(), missing.out() + missing.err());
        assertTrue(missing.err().startsWith("lifeboat: no Lifeboat repository at "), missing.err());
        try (Stream<Path> made = Files.list(cache)) {
            assertEquals(1, made.filter(f -> f.getFileName().toString().matches("lifeboat-\\d+\\.jsa")).count());
        }
        try (Stream<Path> made = Files.list(cache)) {
            assertEquals(1, made.count(), "no temp archive is left");
        }
        Tools.Output backup = Tools.run(List.of(launcher.toString(), "backup", "examples/shop.db", "--repo",
                dir.resolve("repo").toString(), "--no-encrypt", "--quiet"), env, null);
        assertEquals(0, backup.exit(), backup.out() + backup.err());
        assertTrue(backup.out().contains("3 tables, 1250 rows"), backup.out());
        // With -Xshare:on a JVM refuses to start on an archive it cannot use.
        Map<String, String> strict = new java.util.HashMap<>(env);
        strict.put("LIFEBOAT_JAVA_OPTS", "-Xshare:on");
        Tools.Output listed = Tools.run(List.of(launcher.toString(), "list", "--repo", dir.resolve("repo").toString()),
                strict, null);
        assertEquals(0, listed.exit(), listed.out() + listed.err());
        assertTrue(listed.out().contains(" shop "), listed.out());
        assertEquals("", listed.err());
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
