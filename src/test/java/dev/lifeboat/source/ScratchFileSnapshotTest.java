package dev.lifeboat.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.manifest.Facts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scratch copy of a backup goes as soon as it has been read; a restore's preserved copy stays. */
class ScratchFileSnapshotTest {
    @TempDir
    Path dir;

    @Test
    void freedCopyIsDeletedOnceReadToTheEndAndTheHoldIsReleasedOnClose() throws Exception {
        byte[] content = new byte[300_000];
        Path file = Files.write(dir.resolve("copy.sqlite"), content);
        CompletableFuture<Boolean> released = new CompletableFuture<>();
        ScratchFileSnapshot snapshot = snapshot(file, ScratchFileSnapshot.AfterReading.FREE,
                () -> released.complete(true));

        try (InputStream in = snapshot.open()) {
            assertArrayEquals(content, in.readAllBytes());
            assertEquals(-1, in.read(), "still at its end");
            waitUntilGone(file);
            assertFalse(released.isDone(), "the hold lasts until close");
        }
        snapshot.close();

        assertTrue(released.isDone());
        assertFalse(Files.exists(file));
    }

    @Test
    void keptCopyOutlivesReadingUntilClose() throws IOException {
        Path file = Files.write(dir.resolve("previous.sqlite"), new byte[1000]);
        ScratchFileSnapshot snapshot = snapshot(file, ScratchFileSnapshot.AfterReading.KEEP, () -> { });

        try (InputStream in = snapshot.open()) {
            in.readAllBytes();
        }

        assertTrue(Files.exists(file), "a restore may still install the preserved copy back");
        snapshot.close();
        assertFalse(Files.exists(file));
    }

    private static ScratchFileSnapshot snapshot(Path file, ScratchFileSnapshot.AfterReading afterReading,
                                                AutoCloseable hold) {
        Facts facts = new Facts("sqlite", "3", Map.of(), Map.of());
        return new ScratchFileSnapshot(file, ".sqlite", true, CompletableFuture.completedFuture(facts),
                "check it", afterReading, hold);
    }

    private static void waitUntilGone(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(Files.exists(file), "the copy should be deleted in the background after its last byte");
    }
}
