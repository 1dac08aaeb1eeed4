package dev.lifeboat.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups are standard files: the stock tools read them without Lifeboat. */
class StockToolsTest {
    @TempDir
    Path dir;

    @Test
    void zstdAndGzipObjectsDecompressWithStockToolsIntoDatabasesSqlite3Reads() throws Exception {
        Path db = dir.resolve("shop.db");
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 3000)) {
            Cli cli = new Cli(dir.resolve("scratch"));
            for (String[] codec : new String[][] {{"zstd", "zstd", ".zst"}, {"gzip", "gzip", ".gz"}}) {
                Path repo = dir.resolve("repo-" + codec[0]);
                Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(),
                        "--compress", codec[0], "--json");
                assertEquals(0, backup.exit(), backup.toString());
                Manifest manifest = backup.manifest();
                Path object = repo.resolve("backups").resolve(manifest.id()).resolve(manifest.object());
                assertEquals("snapshot.sqlite" + codec[2], object.getFileName().toString());

                Path plain = dir.resolve("plain-" + codec[0] + ".db");
                Tools.ok("sh", "-c", codec[1] + " -d -c '" + object + "' > '" + plain + "'");
                assertEquals(Map.of("customers", 3000L, "orders", 1000L), TestDatabases.counts(plain));
                assertEquals("ok", Tools.sqlite(plain, "PRAGMA integrity_check"));
                assertEquals(manifest.seal().plainSha256(),
                        Tools.ok("sha256sum", plain.toString()).split(" ")[0]);
                assertEquals(manifest.seal().storedSha256(),
                        Tools.ok("sha256sum", object.toString()).split(" ")[0]);
            }
        }
    }

    @Test
    void catWritesThePlainSnapshotToStdout() throws Exception {
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 1000)) {
            Cli cli = new Cli(dir.resolve("scratch"));
            assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString(), "--compress", "none").exit());
            Cli.Result cat = cli.run("cat", "latest", "--repo", repo.toString());
            assertEquals(0, cat.exit(), cat.toString());
            Path out = dir.resolve("cat.db");
            Files.write(out, cat.stdout());
            assertEquals(Map.of("customers", 1000L, "orders", 333L), TestDatabases.counts(out));
            Path object;
            try (var files = Files.walk(repo)) {
                object = files.filter(p -> p.getFileName().toString().equals("snapshot.sqlite")).findFirst()
                        .orElseThrow();
            }
            assertArrayEquals(Files.readAllBytes(object), cat.stdout(), "--compress none stores the plain snapshot");
        }
    }

    @Test
    void readmeSetUpCommandBacksUpTheExampleDatabase() throws Exception {
        String command = Files.readAllLines(Path.of("README.md")).stream().map(String::trim)
                .filter(l -> l.startsWith("./lifeboat backup examples/")).findFirst().orElseThrow();
        Path repo = dir.resolve("demo-repo");
        String asWritten = command.replace("/tmp/lifeboat-demo", repo.toString());
        assertTrue(!asWritten.equals(command), "the README names the repository /tmp/lifeboat-demo");
        Tools.Output run = Tools.run(List.of("bash", "-c", asWritten), Map.of("LIFEBOAT_STATE_DIR",
                dir.resolve("state").toString()), null);
        assertEquals(0, run.exit(), run.err());
        Cli.Result list = new Cli(dir.resolve("scratch")).run("list", "--repo", repo.toString(), "--json");
        assertTrue(list.out().contains("\"customers\" : 200") && list.out().contains("\"orders\" : 1000"),
                list.out());
    }

    @Test
    void aProgressBarIsDrawnOnATerminalOnly() throws Exception {
        Path db = dir.resolve("big.db");
        Tools.ok("sqlite3", db.toString(), "CREATE TABLE b(x BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
                + " SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO b SELECT randomblob(4000) FROM n;");
        String backup = "./lifeboat backup '" + db + "' --repo '" + dir.resolve("tty-repo") + "' --no-encrypt --level 9";
        Map<String, String> env = Map.of("LIFEBOAT_STATE_DIR", dir.resolve("state").toString(),
                "LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString());
        Tools.Output terminal = Tools.run(List.of("script", "-qec", backup, "/dev/null"), env, null);
        assertEquals(0, terminal.exit(), terminal.err());
        assertTrue(terminal.out().contains("backing up big: ") && terminal.out().contains("%"),
                "a bar on a terminal: " + terminal.out());
        assertTrue(terminal.out().contains("\r\033[K"), "the bar is cleared before the summary");
        Tools.Output piped = Tools.run(List.of("bash", "-c", backup + " 2>&1 | cat"), env, null);
        assertEquals(0, piped.exit(), piped.err());
        assertTrue(!piped.out().contains("backing up big: "), "quiet when not a terminal: " + piped.out());
    }

    @Test
    void launcherScriptRunsTheBuiltCommand() {
        Tools.Output version = Tools.run(List.of("./lifeboat", "--version"), Map.of(), null);
        assertEquals(0, version.exit(), version.err());
        assertEquals(true, version.out().startsWith("lifeboat "), version.out());
    }

    @Test
    void aCopiedCheckoutsLauncherMakesItsOwnClassDataArchive() throws Exception {
        // The original's archive records its jar's path; the JVM would silently ignore it in the copy.
        assertEquals(0, Tools.run(List.of("./lifeboat", "--version"), Map.of(), null).exit());
        Path copy = dir.resolve("copied-checkout");
        Files.createDirectories(copy.resolve("target"));
        Files.copy(Path.of("lifeboat"), copy.resolve("lifeboat"), StandardCopyOption.COPY_ATTRIBUTES);
        try (var built = Files.list(Path.of("target"))) {
            for (Path file : built.filter(f -> f.getFileName().toString().matches("lifeboat(-\\d+\\.jsa|\\.jar)"))
                    .toList()) {
                Files.copy(file, copy.resolve("target").resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        // With -Xshare:on a JVM refuses to start on an archive it cannot use, instead of running without it.
        Tools.Output version = Tools.run(List.of(copy.resolve("lifeboat").toString(), "--version"),
                Map.of("LIFEBOAT_JAVA_OPTS", "-Xshare:on"), null);
        assertEquals(0, version.exit(), version.out() + version.err());
        assertTrue(version.out().startsWith("lifeboat "), version.out());
    }

    /**
     * On JDK 25 and later the launcher makes an AOT cache instead (a class list of such a JDK does
     * not merge the way JDK 17's does); {@code -XX:AOTMode=on} makes the JVM refuse to start on a
     * cache it cannot use. Runs where such a JDK is installed under /usr/lib/jvm.
     */
    @Test
    void onJdk25TheLauncherUsesAnAotCache() throws Exception {
        Path jdk;
        try (var installed = Files.list(Path.of("/usr/lib/jvm"))) {
            jdk = installed.filter(j -> Files.isExecutable(j.resolve("bin/java"))).filter(j -> {
                try {
                    return Files.readString(j.resolve("release")).matches("(?s).*JAVA_VERSION=\"(2[5-9]|[3-9]\\d).*");
                } catch (java.io.IOException e) {
                    return false;
                }
            }).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            jdk = null;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(jdk != null, "no JDK 25 or later in /usr/lib/jvm");
        Tools.Output version = Tools.run(List.of("./lifeboat", "--version"), Map.of("JAVA_HOME", jdk.toString(),
                "LIFEBOAT_JAVA_OPTS", "-XX:AOTMode=on"), null);
        assertEquals(0, version.exit(), version.out() + version.err());
        assertTrue(version.out().startsWith("lifeboat "), version.out());
        try (var built = Files.list(Path.of("target"))) {
            assertTrue(built.anyMatch(f -> f.getFileName().toString().matches("lifeboat-\\d+\\.aot")));
        }
    }
}
