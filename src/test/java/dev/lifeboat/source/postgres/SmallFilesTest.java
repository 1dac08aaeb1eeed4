package dev.lifeboat.source.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that cannot be made is reported by the end (or the next file), and an existing one is never overwritten. */
class SmallFilesTest {
    @Test
    void aFileThatCannotBeMadeIsReportedAndTheNextOneIsRefused(@TempDir Path tmp) throws IOException {
        try (SmallFiles files = new SmallFiles()) {
            files.make(tmp.resolve("missing-folder/PG_VERSION"), files.content(3), 0);
            assertThrows(NoSuchFileException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    files.make(tmp.resolve("f" + i), files.content(10), 0);
                }
                files.end();
            });
        }
    }

    @Test
    void anExistingFileIsNeverOverwritten(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("PG_VERSION"), "15\n");
        try (SmallFiles files = new SmallFiles()) {
            byte[] content = files.content(3);
            System.arraycopy("16\n".getBytes(StandardCharsets.US_ASCII), 0, content, 0, 3);
            files.make(tmp.resolve("PG_VERSION"), content, 0);
            FileAlreadyExistsException refused = assertThrows(FileAlreadyExistsException.class, files::end);
            assertEquals(tmp.resolve("PG_VERSION").toString(), refused.getFile());
        }
        assertArrayEquals("15\n".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(tmp.resolve("PG_VERSION")));
    }
}
