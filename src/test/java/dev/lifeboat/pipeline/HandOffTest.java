package dev.lifeboat.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The writing side of a restore: every stage gets every byte in order, in the very buffer that was filled,
 * which is not filled again before the last stage wrote it; a failure is reported and no thread is left behind.
 */
class HandOffTest {
    @Test
    void everyStageGetsEveryByteInOrderInTheBufferThatWasFilledAndIsFlushedAtTheEnd() throws Exception {
        byte[] data = new byte[3 << 20];
        new java.util.Random(7).nextBytes(data);
        Recording first = new Recording(0);
        Recording last = new Recording(1);
        HandOff handOff = new HandOff(100_000, first, last);
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        // a reader that hands over less than a buffer now and then, as a decompressor does
        int[] reads = {0};
        while (handOff.fill(into -> in.read(into, 0, reads[0]++ % 3 == 0 ? 4099 : into.length)) >= 0) {
            // the stages write meanwhile
        }
        handOff.finish();

        assertArrayEquals(data, first.bytes.toByteArray());
        assertArrayEquals(data, last.bytes.toByteArray(), "the last stage, slower, still saw what was filled");
        assertEquals(first.buffers.size(), last.buffers.size());
        for (int i = 0; i < first.buffers.size(); i++) {
            assertSame(first.buffers.get(i), last.buffers.get(i), "chunk " + i + " was copied");
        }
        assertTrue(first.flushed && last.flushed);
        assertFalse(handOffThreadAlive());
    }

    @Test
    void aFailureOfAStageComesOutOfTheNextFillOrTheFinishAndTheStagesAfterItStop() throws Exception {
        OutputStream full = new OutputStream() {
            private long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 1_000_000) {
                    throw new IOException("No space left on device");
                }
            }
        };
        Recording after = new Recording(0);
        HandOff handOff = new HandOff(64 * 1024, full, after);
        IOException thrown = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                handOff.fill(into -> into.length);
            }
            handOff.finish();
        });
        assertEquals("No space left on device", thrown.getMessage());
        handOff.close();
        assertTrue(after.bytes.size() <= 1_000_000, "the stage after the failed one got " + after.bytes.size());
        assertFalse(after.flushed);
        assertFalse(handOffThreadAlive());
    }

    @Test
    void aFailingFillerIsReportedAndTheStagesEnd() throws Exception {
        HandOff handOff = new HandOff(1024, new Recording(0));
        IOException thrown = assertThrows(IOException.class, () -> handOff.fill(into -> {
            throw new IOException("zstd: corrupted block");
        }));
        assertEquals("zstd: corrupted block", thrown.getMessage());
        handOff.close();
        assertFalse(handOffThreadAlive());
    }

    /** Keeps what it was given and the arrays it came in; sleeps a little a write to make the stages overlap. */
    private static final class Recording extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<byte[]> buffers = new ArrayList<>();
        final long sleepMillis;
        boolean flushed;

        Recording(long sleepMillis) {
            this.sleepMillis = sleepMillis;
        }

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            buffers.add(b);
            bytes.write(b, off, len);
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
        }

        @Override
        public void flush() {
            flushed = true;
        }
    }

    private static boolean handOffThreadAlive() throws InterruptedException {
        for (int i = 0; i < 50 && Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("lifeboat-hand-off")); i++) {
            Thread.sleep(20);
        }
        return Arrays.stream(Thread.getAllStackTraces().keySet().toArray(Thread[]::new))
                .anyMatch(t -> t.getName().equals("lifeboat-hand-off"));
    }
}
