package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.WalNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.ChildJvm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * wal-push killed with SIGKILL at random moments, then retried as PostgreSQL retries a failed
 * archive_command: every segment ends up archived exactly as it was, nothing half-written is ever
 * acknowledged, and the chain has no gap or damaged segment.
 */
class KilledWalPushTest {
    private static final int TRIALS = 20;
    private static final long SYSTEM_ID = 7_000_000_000_000_000_001L;

    @TempDir
    Path dir;

    @Test
    void aKilledPushIsRetriedWithoutLosingOrCorruptingASegment() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("pg_wal"));
        Files.write(data.resolve("global").resolve("pg_control"), ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN).putLong(SYSTEM_ID).array());
        Path repo = dir.resolve("repo");
        Map<String, String> env = Map.of("LIFEBOAT_SCRATCH_DIR", dir.resolve("scratch").toString());
        Random random = new Random(18);
        for (int i = 1; i <= TRIALS; i++) {
            String name = WalNames.segmentName(1, i, WalNames.DEFAULT_SEGMENT_SIZE);
            byte[] content = new byte[4 << 20];
            random.nextBytes(content);
            Files.write(data.resolve("pg_wal").resolve(name), content);
            String[] push = {"wal-push", "pg_wal/" + name, "--data-dir", data.toString(), "--repo", repo.toString(),
                    "--no-encrypt"};
            Process killed = ChildJvm.start(env, dir.resolve("killed.log"), push);
            Thread.sleep(200 + random.nextInt(1200));
            killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            // PostgreSQL runs archive_command again until it exits 0 (from the data directory).
            Process retry = new ProcessBuilder(retryCommand(push)).directory(data.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("retry.log").toFile()).start();
            assertTrue(retry.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, retry.exitValue(), Files.readString(dir.resolve("retry.log")));
        }
        try (Repository repository = Repositories.folder(repo)) {
            WalChain.Report chain = new WalChain(repository.wal(), WalNames.DEFAULT_SEGMENT_SIZE)
                    .check(Long.toUnsignedString(SYSTEM_ID), Optional.empty());
            assertTrue(chain.clean(), chain.problems().toString());
            assertEquals(TRIALS, chain.timelines().get(0).segments());
            for (int i = 1; i <= TRIALS; i++) {
                String name = WalNames.segmentName(1, i, WalNames.DEFAULT_SEGMENT_SIZE);
                Path back = dir.resolve("back");
                new WalFetch().fetch(repository, Long.toUnsignedString(SYSTEM_ID), name, back, BackupKey.NONE);
                assertArrayEquals(Files.readAllBytes(data.resolve("pg_wal").resolve(name)), Files.readAllBytes(back));
            }
        }
    }

    private static List<String> retryCommand(String[] args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-cp", System.getProperty("java.class.path"), "dev.lifeboat.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }
}
