package dev.lifeboat.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.source.Side;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's pg_wrapper is skipped where the server's own version of the tool is installed, and only then. */
class PgToolsTest {
    @Test
    void theServersOwnBinaryReplacesDebiansWrapper() {
        Path wrapper = Path.of("/usr/bin/pg_dump");
        Path own = Path.of("/usr/lib/postgresql/15/bin/pg_dump");
        assertEquals(own, PgTools.withoutWrapper(wrapper, PgVersion.ofServerNumber(150004)));
        assertEquals(wrapper, PgTools.withoutWrapper(wrapper, PgVersion.ofServerNumber(990000)), "not installed");
        assertEquals(own, PgTools.withoutWrapper(own, PgVersion.ofServerNumber(150004)), "no wrapper");
        Path missing = Path.of("/nonexistent/pg_dump");
        assertEquals(missing, PgTools.withoutWrapper(missing, PgVersion.ofServerNumber(150004)));
    }

    /** The wrapper is never started when the server's own binary answers the version check instead. */
    @Test
    void theProbeRunsTheWrapperOnlyWhenTheServersVersionIsNotInstalled(@TempDir Path dir) throws Exception {
        Path ran = dir.resolve("wrapper-ran");
        Path wrapper = dir.resolve("postgresql-common").resolve("pg_wrapper");
        Files.createDirectories(wrapper.getParent());
        Files.writeString(wrapper, "#!/bin/sh\necho ran > " + ran + "\necho 'pg_dump (PostgreSQL) 99.1'\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("pg_dump"), wrapper);
        PgTools tools = new PgTools(Optional.empty(), Map.of("PATH", bin.toString()), Side.SOURCE);

        assertEquals(Path.of("/usr/lib/postgresql/15/bin/pg_dump"),
                tools.probe("pg_dump").require(PgVersion.ofServerNumber(150004)));
        assertFalse(Files.exists(ran), "the wrapper ran although PostgreSQL 15's pg_dump is installed");

        assertEquals(bin.resolve("pg_dump"), tools.probe("pg_dump").require(PgVersion.ofServerNumber(990000)));
        assertTrue(Files.exists(ran), "without the server's version installed, the wrapper answers");
    }
}
