package dev.lifeboat.source.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.testing.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A base backup's tar, made here by stock tar, comes out byte for byte, private, with its times, past the
 * page cache and through it, whatever the sizes of the writes; a tar that is not a data directory's is refused.
 */
class TarExtractorTest {
    /** Sizes around the 512-byte tar block, the 4 KiB O_DIRECT block and the 8 MiB buffer. */
    private static final List<Integer> SIZES = List.of(0, 1, 511, 512, 513, 4095, 4096, 4097, 8192, (1 << 20) + 3,
            (8 << 20) - 1, 8 << 20, (8 << 20) + 4097, 17 << 20);

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void extractsStockTarByteForByte(boolean pastCache, @TempDir Path tmp) throws IOException {
        Path source = Files.createDirectories(tmp.resolve("source/base/5"));
        Random random = new Random(7);
        for (int size : SIZES) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            Files.write(source.resolve("f" + size), content);
        }
        Files.writeString(tmp.resolve("source/PG_VERSION"), "15\n");
        Files.createDirectories(tmp.resolve("source/pg_wal/archive_status"));
        Files.setLastModifiedTime(tmp.resolve("source/PG_VERSION"), FileTime.fromMillis(1_600_000_000_000L));
        Path tar = tmp.resolve("base.tar");
        Tools.ok("tar", "--format=ustar", "-cf", tar.toString(), "-C", tmp.resolve("source").toString(), ".");
        Path data = Files.createDirectory(tmp.resolve("data"));

        extract(Files.readAllBytes(tar), data, pastCache, 4099);

        for (int size : SIZES) {
            Path file = data.resolve("base/5/f" + size);
            assertArrayEquals(Files.readAllBytes(source.resolve("f" + size)), Files.readAllBytes(file), "f" + size);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        assertEquals("15\n", Files.readString(data.resolve("PG_VERSION")));
        assertEquals(FileTime.fromMillis(1_600_000_000_000L), Files.getLastModifiedTime(data.resolve("PG_VERSION")));
        assertTrue(Files.isDirectory(data.resolve("pg_wal/archive_status")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("base"))));
    }

    /**
     * Small files are made on two threads, a folder's on one, with a bounded amount waiting: more than that
     * amount, in several folders, still comes out whole, each file with its own content and time, also when
     * the extractor is closed before it is finished.
     */
    @Test
    void manySmallFilesInSeveralFoldersComeOutWhole(@TempDir Path tmp) throws IOException {
        Random random = new Random(11);
        for (String folder : List.of("base/1", "base/4", "global")) {
            Path source = Files.createDirectories(tmp.resolve("source").resolve(folder));
            for (int i = 0; i < 40; i++) {
                byte[] content = new byte[random.nextInt(600_000)];
                random.nextBytes(content);
                Files.write(source.resolve("f" + i), content);
                Files.setLastModifiedTime(source.resolve("f" + i), FileTime.fromMillis(1_600_000_000_000L + i * 1000L));
            }
        }
        Path tar = tmp.resolve("base.tar");
        Tools.ok("tar", "--format=ustar", "-cf", tar.toString(), "-C", tmp.resolve("source").toString(), ".");
        Path data = Files.createDirectory(tmp.resolve("data"));

        // as verification does: the stream is closed when the pipeline ends, and finished after
        byte[] bytes = Files.readAllBytes(tar);
        TarExtractor extractor = new TarExtractor(data, true);
        try (extractor) {
            extractor.write(bytes, 0, bytes.length);
        }
        extractor.finish();

        for (String folder : List.of("base/1", "base/4", "global")) {
            for (int i = 0; i < 40; i++) {
                Path made = data.resolve(folder).resolve("f" + i);
                assertArrayEquals(Files.readAllBytes(tmp.resolve("source").resolve(folder).resolve("f" + i)),
                        Files.readAllBytes(made), made.toString());
                assertEquals(FileTime.fromMillis(1_600_000_000_000L + i * 1000L), Files.getLastModifiedTime(made));
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
            }
        }
    }

    @Test
    void aNameClimbingOutOfTheDataDirectoryIsRefusedAndNothingIsWrittenThere(@TempDir Path tmp) throws IOException {
        Path data = Files.createDirectory(tmp.resolve("data"));
        for (String name : List.of("../escaped", "base/../../escaped", "/tmp/escaped-" + tmp.getFileName())) {
            EngineFailure refused = assertThrows(EngineFailure.class,
                    () -> extract(archive(header(name, '0', 3), new byte[512]), data, true, 512), name);
            assertEquals(ExitCode.INTEGRITY, refused.exitCode());
            assertTrue(refused.getMessage().contains("outside the data directory"), refused.getMessage());
        }
        assertFalse(Files.exists(tmp.resolve("escaped")));
        assertFalse(Files.exists(Path.of("/tmp/escaped-" + tmp.getFileName())));
    }

    @Test
    void aLinkIsRefused(@TempDir Path tmp) throws IOException {
        Path source = Files.createDirectory(tmp.resolve("source"));
        Files.createSymbolicLink(source.resolve("pg_wal"), Path.of("/etc"));
        Path tar = tmp.resolve("link.tar");
        Tools.ok("tar", "--format=ustar", "-cf", tar.toString(), "-C", source.toString(), "pg_wal");
        Path data = Files.createDirectory(tmp.resolve("data"));

        EngineFailure refused = assertThrows(EngineFailure.class,
                () -> extract(Files.readAllBytes(tar), data, true, 1 << 20));
        assertTrue(refused.getMessage().contains("pg_wal of tar type '2'"), refused.getMessage());
        assertFalse(Files.exists(data.resolve("pg_wal"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    /** A flipped byte fails the header's checksum; a size that is no number fails with a right checksum. */
    @Test
    void aDamagedHeaderIsRefused(@TempDir Path tmp) throws IOException {
        byte[] flipped = header("PG_VERSION", '0', 3);
        flipped[10] ^= 1;
        byte[] noSize = header("PG_VERSION", '0', 3);
        put(noSize, 124, "zzzzzzzzzzz");
        sealChecksum(noSize);
        Path data = Files.createDirectory(tmp.resolve("data"));
        for (byte[] header : List.of(flipped, noSize)) {
            EngineFailure refused = assertThrows(EngineFailure.class,
                    () -> extract(archive(header, new byte[512]), data, true, 512));
            assertTrue(refused.getMessage().contains("damaged tar header"), refused.getMessage());
        }
        assertFalse(Files.exists(data.resolve("PG_VERSION")));
    }

    @Test
    void aStreamEndingBeforeTheArchiveIsRefused(@TempDir Path tmp) throws IOException {
        byte[] cut = java.util.Arrays.copyOf(archive(header("PG_VERSION", '0', 3), new byte[512]), 700);
        Path data = Files.createDirectory(tmp.resolve("data"));
        try (TarExtractor extractor = new TarExtractor(data)) {
            extractor.write(cut, 0, cut.length);
            EngineFailure refused = assertThrows(EngineFailure.class, extractor::finish);
            assertTrue(refused.getMessage().contains("ends before the archive does"), refused.getMessage());
        }
    }

    @Test
    void aNameTwiceIsNeverOverwritten(@TempDir Path tmp) throws IOException {
        byte[] content = "15\n".getBytes(StandardCharsets.US_ASCII);
        byte[] block = java.util.Arrays.copyOf(content, 512);
        byte[] tar = archive(header("PG_VERSION", '0', 3), block, header("PG_VERSION", '0', 3), block);
        Path data = Files.createDirectory(tmp.resolve("data"));
        EngineFailure refused = assertThrows(EngineFailure.class, () -> extract(tar, data, true, 512));
        assertTrue(refused.getMessage().contains("it holds PG_VERSION twice"), refused.getMessage());
        assertEquals("15\n", Files.readString(data.resolve("PG_VERSION")), "the first one stays as it was");
    }

    /** Small files are made by writers while the stream goes on: a clash is still found, whichever comes first. */
    @ParameterizedTest
    @ValueSource(strings = {"file then folder", "folder then file", "file then a file inside it"})
    void aNameGivenToAFileAndAFolderIsRefused(String order, @TempDir Path tmp) throws IOException {
        byte[] file = header("global", '0', 3);
        byte[] folder = header("global/", '5', 0);
        byte[] content = java.util.Arrays.copyOf("15\n".getBytes(StandardCharsets.US_ASCII), 512);
        byte[] tar = switch (order) {
            case "file then folder" -> archive(file, content, folder);
            case "folder then file" -> archive(folder, file, content);
            default -> archive(file, content, header("global/1262", '0', 3), content);
        };
        Path data = Files.createDirectory(tmp.resolve("data"));
        EngineFailure refused = assertThrows(EngineFailure.class, () -> extract(tar, data, true, 512));
        assertEquals(ExitCode.INTEGRITY, refused.exitCode());
        assertTrue(refused.getMessage().matches(".*it holds global(/1262)? twice.*"), refused.getMessage());
    }

    @Test
    void aFileNamedLikeTheDataDirectoryItselfIsRefused(@TempDir Path tmp) throws IOException {
        Path data = Files.createDirectory(tmp.resolve("data"));
        for (String name : List.of("", ".", "base/..")) {
            EngineFailure refused = assertThrows(EngineFailure.class,
                    () -> extract(archive(header(name, '0', 3), new byte[512]), data, true, 512), name);
            assertEquals(ExitCode.INTEGRITY, refused.exitCode());
        }
    }

    private static void extract(byte[] tar, Path data, boolean pastCache, int chunk) throws IOException {
        try (TarExtractor extractor = new TarExtractor(data, pastCache)) {
            for (int offset = 0; offset < tar.length; offset += chunk) {
                extractor.write(tar, offset, Math.min(chunk, tar.length - offset));
            }
            extractor.finish();
        }
    }

    /** The blocks given, then the two zero blocks that end an archive. */
    private static byte[] archive(byte[]... blocks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] block : blocks) {
            out.writeBytes(block);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** A ustar header as pg_basebackup writes one, its checksum right. */
    private static byte[] header(String name, char type, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000600");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 1_600_000_000L));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        sealChecksum(h);
        return h;
    }

    private static void sealChecksum(byte[] h) {
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
    }

    private static void put(byte[] block, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, block, offset, bytes.length);
    }
}
