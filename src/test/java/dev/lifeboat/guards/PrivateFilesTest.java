package dev.lifeboat.guards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.testing.CipherApp;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.ModeWatch;
import dev.lifeboat.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything Lifeboat creates is private from the moment it exists, whatever the umask and the
 * folder's mode; a restored file keeps the mode of the file it replaces; a scratch folder that is
 * a link or another user's is refused before anything is written.
 */
class PrivateFilesTest {
    private static final String KEY = "private files passphrase";
    private static final String FILE = "-rw-------";
    private static final String FOLDER = "drwx------";

    @TempDir
    Path dir;

    @Test
    void underUmask000EveryFileLifeboatCreatesIs0600AndEveryFolder0700() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path scratch = Files.createDirectory(dir.resolve("scratch"));
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path state = dir.resolve("state");
        Path repo = dir.resolve("repo");
        Path targets = Files.createDirectory(dir.resolve("targets"));
        Files.setPosixFilePermissions(targets, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path probe = dir.resolve("probe");
        assertEquals(0, new ProcessBuilder(withUmask000("touch", probe.toString())).start().waitFor());
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(probe)),
                "the umask reaches the command");

        Path db = src.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 3000).close();
        Path secret = src.resolve("secret.db");
        try (Connection conn = new CipherApp().open(secret, KEY, Map.of("legacy", "4", "kdf_iter", "1000"));
             Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
            st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                    + " INSERT INTO notes(body) SELECT 'note ' || i FROM n");
        }
        Path existing = targetCopy(db, targets.resolve("existing.db"), "rw-------");
        Path shared = targetCopy(db, targets.resolve("shared.db"), "rw-r-----");
        Path cipherTarget = targetCopy(secret, targets.resolve("cipher.db"), "rw-------");
        Path fresh = targets.resolve("new.db");
        String cipherSource = "sqlcipher:" + secret + "?key-env=APP_KEY&kdf-iter=1000";

        Map<String, String> env = Map.of("LIFEBOAT_SCRATCH_DIR", scratch.toString(),
                "LIFEBOAT_STATE_DIR", state.toString(), "APP_KEY", KEY);
        ModeWatch watch = new ModeWatch(List.of(scratch, state, repo, targets));
        String id;
        String cipherId;
        try {
            id = backupId(runUnderUmask000(env, "backup", "--no-encrypt", db.toString(), "--repo",
                    repo.toString(), "--json"));
            runUnderUmask000(env, "verify", id, "--repo", repo.toString());
            for (Path target : List.of(existing, shared, fresh)) {
                runUnderUmask000(env, "restore", id, "--repo", repo.toString(), "--to", target.toString(), "--yes");
            }
            cipherId = backupId(runUnderUmask000(env, "backup", cipherSource, "--repo", repo.toString(),
                    "--json"));
            runUnderUmask000(env, "verify", cipherId, "--repo", repo.toString());
            runUnderUmask000(env, "restore", cipherId, "--repo", repo.toString(), "--to",
                    "sqlcipher:" + cipherTarget + "?key-env=APP_KEY&kdf-iter=1000", "--yes");
        } finally {
            watch.close();
        }
        Map<Path, Set<String>> seen = watch.seen();

        List<String> wrong = new ArrayList<>();
        seen.forEach((path, modes) -> {
            if (path.equals(scratch) || path.equals(targets)) {
                return;
            }
            String name = path.getFileName().toString();
            String expected = name.equals("shared.db") || name.startsWith("shared.db-") ? "-rw-r-----"
                    : modes.iterator().next().startsWith("d") ? FOLDER : FILE;
            if (!modes.equals(Set.of(expected))) {
                wrong.add(path + " " + modes + " (expected " + expected + ")");
            }
        });
        assertEquals(List.of(), wrong, "files and folders that were not private:\n" + String.join("\n", wrong));

        assertEquals(Set.of(FILE), seen.get(existing), "a replaced 0600 target stays 0600");
        assertEquals(Set.of("-rw-r-----"), seen.get(shared), "a replaced 0640 target stays 0640");
        assertEquals(Set.of(FILE), seen.get(fresh), "a new target is 0600");
        assertEquals(TestDatabases.counts(db), TestDatabases.counts(fresh), "the restores really ran");
        // What the watch must have looked at for the check above to mean anything:
        List<String> names = seen.keySet().stream().map(p -> dir.relativize(p).toString()).toList();
        for (String kind : List.of("state/catalog.db", "state/catalog.db-wal", "scratch/drivers/sqlite-mc-jdbc-",
                "scratch/locks/db-", "repo/locks/", "repo/backups/" + id + "/manifest",
                "repo/backups/" + cipherId + "/verify-", "targets/" + ScratchSpace.PREFIX,
                "scratch/" + ScratchSpace.PREFIX)) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith(kind)), "the watch saw " + kind + "*: " + names);
        }
    }

    /** A test-made SQLite file at {@code target} with {@code mode}, as an application would have it. */
    private static Path targetCopy(Path db, Path target, String mode) throws IOException {
        Files.copy(db, target);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
        return target;
    }

    private static String backupId(String json) throws IOException {
        return dev.lifeboat.testing.Cli.manifestIn(json).id();
    }

    /** {@code command} run by a shell that sets umask 000 first. */
    private static List<String> withUmask000(String... command) {
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "umask 000 && exec \"$@\"", "sh"));
        wrapped.addAll(List.of(command));
        return wrapped;
    }

    /** Runs the real command in its own JVM under umask 000 and returns its standard output. */
    private String runUnderUmask000(Map<String, String> env, String... args) throws Exception {
        List<String> command = withUmask000(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.lifeboat.cli.Main");
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process child = builder.start();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the command finished");
        assertEquals(0, child.exitValue(), String.join(" ", args) + ":\n" + Files.readString(out)
                + Files.readString(err));
        return Files.readString(out);
    }

    @Test
    void aLinkPlantedAtTheDefaultScratchFolderIsRefusedAndNothingIsWrittenThroughIt() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        String user = System.getProperty("user.name");
        Path planted = Files.createSymbolicLink(tmp.resolve("lifeboat-" + user), elsewhere);
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 50).close();
        Path secret = dir.resolve("secret.db");
        try (Connection conn = new CipherApp().open(secret, KEY, Map.of("legacy", "4"));
             Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE notes(body TEXT)");
        }
        String repo = dir.resolve("repo").toString();
        Cli cli = defaultScratch(tmp, user);

        Cli.assertOneLineFailure(cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo), ExitCode.SOURCE,
                "scratch folder " + planted + " is a symbolic link", "LIFEBOAT_SCRATCH_DIR");
        Cli.assertOneLineFailure(cli.run("backup", "sqlcipher:" + secret + "?key-env=APP_KEY", "--repo", repo),
                ExitCode.SOURCE, "scratch folder " + planted + " is a symbolic link");
        assertEquals(List.of(), list(elsewhere), "nothing was written through the link");
        assertTrue(Files.isSymbolicLink(planted), "the link is left for its owner to look at");

        Files.delete(planted);
        Cli.Result backup = cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo);
        assertEquals(0, backup.exit(), backup.toString());
        Cli.Result verify = cli.run("verify", "latest", "--repo", repo);
        assertEquals(0, verify.exit(), verify.toString());
        Path made = tmp.resolve("lifeboat-" + user);
        assertEquals(FOLDER.substring(1), PosixFilePermissions.toString(Files.getPosixFilePermissions(made,
                LinkOption.NOFOLLOW_LINKS)), "$TMPDIR/lifeboat-$USER is made 0700");
        assertEquals(List.of(), list(elsewhere));
    }

    @Test
    void aDefaultScratchFolderThatIsAFileOrAnotherUsersIsRefused() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 50).close();
        String repo = dir.resolve("repo").toString();
        Cli cli = defaultScratch(tmp, "mallory");
        Path squatted = tmp.resolve("lifeboat-mallory");

        Files.writeString(squatted, "not a folder");
        Cli.assertOneLineFailure(cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo), ExitCode.SOURCE,
                "scratch folder " + squatted + " is not a folder");
        assertEquals("not a folder", Files.readString(squatted));

        Files.delete(squatted);
        Files.createDirectory(squatted);
        int nobody = 65534;
        boolean chowned;
        try {
            Files.setAttribute(squatted, "unix:uid", nobody);
            chowned = true;
        } catch (IOException e) {
            chowned = false;  // not root: this account cannot make a folder another user's
        }
        if (chowned) {
            Cli.assertOneLineFailure(cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo),
                    ExitCode.SOURCE, "scratch folder " + squatted + " belongs to another user");
            assertEquals(List.of(), list(squatted));
        }
    }

    /** A command line with no LIFEBOAT_SCRATCH_DIR, so the scratch folder is {@code $TMPDIR/lifeboat-$USER}. */
    private Cli defaultScratch(Path tmp, String user) {
        Cli cli = new Cli(dir.resolve("unused")).env("LIFEBOAT_SCRATCH_DIR", "").env("TMPDIR", tmp.toString())
                .env("USER", user).env("APP_KEY", KEY);
        return cli.env("LIFEBOAT_STATE_DIR", dir.resolve("state").toString());
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
