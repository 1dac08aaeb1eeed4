package dev.lifeboat.repository.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SftpLocationTest {
    @Test
    void oneSlashIsTheLoginFolderTwoAreAbsolute() {
        SftpLocation relative = SftpLocation.parse("sftp://backup@nas.local/lifeboat/prod/", "me");
        assertEquals("backup", relative.user());
        assertEquals("nas.local", relative.host());
        assertEquals(22, relative.port());
        assertEquals("lifeboat/prod", relative.root());
        assertEquals("lifeboat/prod/backups/x", relative.path("backups/x"));

        SftpLocation absolute = SftpLocation.parse("sftp://backup@nas.local:2222//srv/lifeboat", "me");
        assertEquals(2222, absolute.port());
        assertEquals("/srv/lifeboat", absolute.root());
        assertEquals("/srv/lifeboat/k", absolute.path("k"));
        assertEquals("/srv/lifeboat", absolute.path(""));

        SftpLocation home = SftpLocation.parse("sftp://backup@nas.local", "me");
        assertEquals("", home.root());
        assertEquals("k", home.path("k"));
        assertEquals(".", home.path(""));
        assertEquals("/k", SftpLocation.parse("sftp://backup@nas.local//", "me").path("k"));
    }

    @Test
    void theLocalUserLogsInWhenTheUrlNamesNoneAndIpv6HostsWork() {
        SftpLocation location = SftpLocation.parse("sftp://[::1]:2200/repo", "alice");
        assertEquals("alice", location.user());
        assertEquals("::1", location.host());
        assertEquals("[::1]:2200", location.server());
        assertThrows(LifeboatException.class, () -> SftpLocation.parse("sftp://host/repo", null));
    }

    @Test
    void optionsAreReadAndAPlusInAFingerprintStaysAPlus() {
        SftpLocation location = SftpLocation.parse("sftp://u@h/r?fingerprint=SHA256:ab+c/d&connect-timeout=500ms"
                + "&timeout=2m&retries=7", "me");
        assertEquals(Optional.of("SHA256:ab+c/d"), location.fingerprint());
        assertEquals(Duration.ofMillis(500), location.connectTimeout());
        assertEquals(Duration.ofMinutes(2), location.timeout());
        assertEquals(7, location.retries());
        SftpLocation defaults = SftpLocation.parse("sftp://u@h/r", "me");
        assertEquals(Duration.ofSeconds(10), defaults.connectTimeout());
        assertEquals(Duration.ofSeconds(60), defaults.timeout());
        assertEquals(4, defaults.retries());
        assertEquals("sftp://u@h/r", defaults.toString());
    }

    @Test
    void badUrlsAreUsageErrorsThatEchoNoValues() {
        for (String bad : new String[] {"sftp://u@h/r?password=hunter2", "sftp://u@h/r?fingerprint=hunter2",
                "sftp://u@h/r?timeout=0", "sftp://u@h/r?retries=99", "sftp:///r", "sftp://u:hunter2@h/r"}) {
            LifeboatException e = assertThrows(LifeboatException.class, () -> SftpLocation.parse(bad, "me"), bad);
            assertEquals(ExitCode.USAGE, e.exitCode(), bad);
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
