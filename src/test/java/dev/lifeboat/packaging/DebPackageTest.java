package dev.lifeboat.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lifeboat.testing.Tools;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb the build makes, installed on this machine with dpkg as a user would: the command runs and
 * backs up, the user and its state folder exist, the units pass systemd-analyze verify and score OK in
 * its offline security analysis, and a purge leaves the machine as it was (the test also removes the
 * system user, which Debian packages never do).
 */
class DebPackageTest {
    private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-deb-test.lock");
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d) (\\S+)");
    private static final List<String> UNITS = List.of("lifeboat.service", "lifeboat-run@shop.service",
            "lifeboat-run@shop.timer");

    @TempDir
    Path dir;

    @Test
    void installsRunsAndPurgesCleanly() throws Exception {
        Built.requireRoot("installs a package with dpkg");
        Path deb = Built.file("lifeboat_", "_all.deb").toAbsolutePath();
        inspect(deb);
        // Two test runs on one machine (a developer's and CI's) take turns.
        try (FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            if (installed()) {
                fail("a lifeboat package is already installed here; this test installs and purges its own"
                        + " build, so remove it first (dpkg --purge lifeboat)");
            }
            boolean userBefore = exists("passwd", "lifeboat");
            boolean groupBefore = exists("group", "lifeboat");
            List<Path> absentBefore = List.of(Path.of("/etc/lifeboat"), Path.of("/var/lib/lifeboat"),
                    Path.of("/var/backups/lifeboat"), Path.of("/usr/share/lifeboat")).stream()
                    .filter(p -> !Files.exists(p)).toList();
            ok("dpkg", "-i", deb.toString());
            try {
                checkInstalled();
            } finally {
                ok("dpkg", "--purge", "lifeboat");
                if (!userBefore && exists("passwd", "lifeboat")) {
                    ok("userdel", "lifeboat");
                }
                if (!groupBefore && exists("group", "lifeboat")) {
                    ok("groupdel", "lifeboat");
                }
            }
            assertFalse(installed());
            assertFalse(Files.exists(Path.of("/usr/bin/lifeboat")));
            for (Path path : absentBefore) {
                assertFalse(Files.exists(path), path + " is left behind");
            }
            assertEquals(userBefore, exists("passwd", "lifeboat"));
        }
    }

    /** What dpkg reads before installing: the relations, the conffile, where files go. */
    private static void inspect(Path deb) {
        String info = ok("dpkg-deb", "--info", deb.toString());
        assertTrue(info.contains("Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless"), info);
        assertTrue(info.contains("Recommends: postgresql-client, sqlite3, age, zstd"), info);
        assertEquals("/etc/lifeboat/lifeboat.yaml\n", ok("dpkg-deb", "--info", deb.toString(), "conffiles"));
        String contents = ok("dpkg-deb", "--contents", deb.toString());
        for (String path : List.of("./usr/bin/lifeboat", "./usr/share/lifeboat/lifeboat.jar",
                "./usr/share/lifeboat/wal-push-hand-off.sh",
                "./usr/share/man/man1/lifeboat-backup.1", "./usr/share/bash-completion/completions/lifeboat",
                "./usr/share/zsh/vendor-completions/_lifeboat", "./usr/share/fish/vendor_completions.d/lifeboat.fish",
                "./usr/lib/systemd/system/lifeboat.service", "./usr/lib/systemd/system/lifeboat-run@.service",
                "./usr/lib/systemd/system/lifeboat-run@.timer", "./usr/lib/sysusers.d/lifeboat.conf",
                "./usr/lib/tmpfiles.d/lifeboat.conf", "./usr/share/doc/lifeboat/copyright")) {
            assertTrue(contents.contains(" " + path + "\n"), path + " in\n" + contents);
        }
    }

    private void checkInstalled() throws IOException {
        assertEquals("lifeboat " + Built.version() + "\n", ok("/usr/bin/lifeboat", "--version"));
        Map<String, String> env = Map.of("LIFEBOAT_STATE_DIR", dir.resolve("state").toString(),
                "LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString());
        Tools.Output backup = Tools.run(List.of("/usr/bin/lifeboat", "backup", Path.of("examples/shop.db")
                .toAbsolutePath().toString(), "--repo", dir.resolve("repo").toString(), "--no-encrypt"), env, null);
        assertEquals(0, backup.exit(), backup.out() + backup.err());
        assertTrue(backup.out().contains("3 tables, 1250 rows"), backup.out());

        String user = ok("getent", "passwd", "lifeboat");
        assertTrue(user.endsWith(":/var/lib/lifeboat:/usr/sbin/nologin\n"), user);
        Path state = Path.of("/var/lib/lifeboat");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        assertEquals("lifeboat", Files.getOwner(state).getName());
        assertTrue(ok("man", "-w", "lifeboat-run").contains("/usr/share/man/man1/lifeboat-run.1"));

        Tools.requireTool("systemd-analyze");
        Tools.Output verified = Tools.run(List.of("systemd-analyze", "verify", UNITS.get(0), UNITS.get(1), UNITS.get(2)),
                Map.of(), null);
        assertEquals(0, verified.exit(), verified.out() + verified.err());
        assertEquals("", verified.err().strip(), "systemd-analyze verify warns");
        for (String unit : UNITS.subList(0, 2)) {
            // The offline analysis needs no running systemd; it scores the unit file's own settings.
            Tools.Output security = Tools.run(List.of("systemd-analyze", "security", "--offline=yes", unit), Map.of(),
                    null);
            Matcher score = EXPOSURE.matcher(security.out());
            assertTrue(score.find(), security.out() + security.err());
            assertTrue(Double.parseDouble(score.group(1)) <= 3.0, unit + ": " + score.group());
            assertEquals("OK", score.group(2), unit + ": " + score.group());
        }
    }

    private static boolean installed() {
        Tools.Output status = Tools.run(List.of("dpkg-query", "-W", "-f=${Status}", "lifeboat"), Map.of(), null);
        return status.exit() == 0 && status.out().contains("installed") && !status.out().contains("not-installed");
    }

    private static boolean exists(String database, String name) {
        return Tools.run(List.of("getent", database, name), Map.of(), null).exit() == 0;
    }

    private static String ok(String... command) {
        return Tools.ok(command);
    }
}
