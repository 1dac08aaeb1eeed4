package dev.lifeboat.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Background fsyncs while an upload is written leave its bytes exactly as written. */
class EarlyWritebackTest {
    @TempDir
    Path dir;

    @Test
    void fsyncsStartAsTheFileGrowsAndTheContentIsUnchanged() throws IOException {
        byte[] content = new byte[5 << 20];
        new Random(7).nextBytes(content);
        Path file = dir.resolve("object");
        EarlyWriteback out;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out = new EarlyWriteback(channel, 1 << 20);
            for (int off = 0; off < content.length; off += 1 << 18) {
                out.write(content, off, 1 << 18);
                out.settle(); // each fsync finishes before the next megabyte, so one starts per megabyte
            }
            out.flush();
            channel.force(true);
        }

        assertEquals(5, out.started(), "one background fsync per megabyte written");
        assertArrayEquals(content, Files.readAllBytes(file));
    }
}
