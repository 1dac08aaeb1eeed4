package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An I/O failure that reaches the top is reported as the machine's problem, in one line, never as a bug. */
class IoFailureLinesTest {
    @Test
    void eachKindOfIoFailureNamesTheFileAndWhatToCheck() {
        assertEquals("/srv/x.db does not exist; check the path", Main.ioFailure(new NoSuchFileException("/srv/x.db")));
        assertTrue(Main.ioFailure(new AccessDeniedException("/srv/x.db")).startsWith("permission denied on /srv/x.db"));
        assertTrue(Main.ioFailure(new FileSystemException("/srv/x.db", null, "No space left on device"))
                .startsWith("no space left on the device"));
        assertTrue(Main.ioFailure(new FileSystemException("/srv/x.db", null, "Read-only file system"))
                .startsWith("cannot use /srv/x.db (Read-only file system)"));
        for (IOException e : List.of(new IOException("Input/output error"), new NoSuchFileException("a"),
                new AccessDeniedException("b"))) {
            String line = Main.ioFailure(e);
            assertFalse(line.contains("report it") || line.contains("unexpected") || line.contains("\n"), line);
        }
    }
}
