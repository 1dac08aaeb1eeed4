package dev.lifeboat.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
}
