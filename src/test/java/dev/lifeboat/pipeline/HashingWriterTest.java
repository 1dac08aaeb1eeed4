package dev.lifeboat.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plain side's hashing and writing on its own thread: same bytes, same order, same failures. */
class HashingWriterTest {
    @Test
    void writesAndHashesEverythingInOrderWithThreeBuffers() throws Exception {
        byte[] data = new byte[5_000_000];
        new Random(7).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.util.Set<byte[]> buffers = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        try (HashingWriter writer = new HashingWriter(out, 64 * 1024)) {
            for (int off = 0; off < data.length; ) {
                byte[] buffer = writer.buffer();
                buffers.add(buffer);
                int n = Math.min(1 + (off * 31 % buffer.length), data.length - off);
                System.arraycopy(data, off, buffer, 0, n);
                writer.write(buffer, n);
                off += n;
            }
            writer.finish();
            assertEquals(data.length, writer.count());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), writer.hex());
        }
        assertArrayEquals(data, out.toByteArray());
        assertEquals(3, buffers.size(), "memory stays bounded: the same three buffers go round");
    }

    @Test
    void aFailureToWriteReachesTheReaderAsItWasThrown() throws Exception {
        IOException full = new IOException("No space left on device");
        OutputStream failing = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes == 2) {
                    throw full;
                }
            }
        };
        try (HashingWriter writer = new HashingWriter(failing, 1024)) {
            IOException thrown = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    writer.write(writer.buffer(), 1024);
                }
                writer.finish();
            });
            assertSame(full, thrown);
        }
    }
}
