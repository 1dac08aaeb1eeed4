package dev.lifeboat.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The second thread of a restore's write side: bytes in order, its failure reported, no thread left behind. */
class HandOffTest {
    @Test
    void everyByteArrivesInOrderAndFlushedWhenFinished() throws Exception {
        byte[] data = new byte[3 << 20];
        new java.util.Random(7).nextBytes(data);
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        HandOff handOff = new HandOff(target);
        for (int at = 0; at < data.length; at += 100_000) {
            handOff.write(data, at, Math.min(100_000, data.length - at));
        }
        handOff.finish();
        assertArrayEquals(data, target.toByteArray());
        assertFalse(handOffThreadAlive());
    }

    @Test
    void aFailureOfTheWritingSideComesOutOfTheNextWriteOrTheFinish() throws Exception {
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
        HandOff handOff = new HandOff(full);
        byte[] chunk = new byte[64 * 1024];
        IOException thrown = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                handOff.write(chunk, 0, chunk.length);
            }
            handOff.finish();
        });
        assertEquals("No space left on device", thrown.getMessage());
        handOff.close();
        assertFalse(handOffThreadAlive());
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
