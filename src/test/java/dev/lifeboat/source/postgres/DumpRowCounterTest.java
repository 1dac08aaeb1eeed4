package dev.lifeboat.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.source.postgres.PgScope.QualifiedName;
import dev.lifeboat.testing.PgTestServer;
import dev.lifeboat.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Row counts read from real pg_dump archives equal count(*) on the server, however the bytes arrive. */
class DumpRowCounterTest {
    private static PgTestServer server;
    private static String db;
    @TempDir
    static Path dir;
    private static byte[] archive;

    @BeforeAll
    static void dumpAnAwkwardDatabase() throws Exception {
        server = new PgTestServer();
        db = server.createDatabase("lbt_rowcount");
        PgTestServer.execute(db,
                // Values with newlines, tabs, backslashes and carriage returns: COPY escapes them.
                "CREATE TABLE public.texts (id int PRIMARY KEY, body text)",
                "INSERT INTO public.texts SELECT g, 'line one' || chr(10) || 'line two' || chr(9) || '\\'"
                        + " || chr(13) || repeat(chr(10), g % 5) FROM generate_series(1, 3000) g",
                // Nine-digit rows are 10-byte chunks: a chunk length of 10 is a newline byte in the framing.
                "CREATE TABLE public.nines (n int)",
                "INSERT INTO public.nines SELECT 100000000 + g FROM generate_series(1, 2570) g",
                "CREATE TABLE public.empty (id int)",
                // Empty rows are empty lines, like the blank lines after pg_dump's end-of-data marker.
                "CREATE TABLE public.blanks (t text)",
                "INSERT INTO public.blanks SELECT '' FROM generate_series(1, 5)",
                "CREATE TABLE public.no_columns ()",
                "INSERT INTO public.no_columns SELECT FROM generate_series(1, 4)",
                // The values \. and . are written as the lines \\. and . : neither is the marker.
                "CREATE TABLE public.dots (t text)",
                "INSERT INTO public.dots VALUES ('.'), ('\\.'), ('\\.')",
                "CREATE TABLE public.wide (id int, payload text)",
                "INSERT INTO public.wide SELECT g, repeat(md5(g::text), 2000) FROM generate_series(1, 40) g",
                "CREATE SCHEMA \"Mixed Case\"",
                "CREATE TABLE \"Mixed Case\".\"Ünïcode table\" (id int)",
                "INSERT INTO \"Mixed Case\".\"Ünïcode table\" SELECT generate_series(1, 77)",
                "CREATE TABLE public.parted (id int, region text) PARTITION BY LIST (region)",
                "CREATE TABLE public.parted_eu PARTITION OF public.parted FOR VALUES IN ('eu')",
                "CREATE TABLE public.parted_us PARTITION OF public.parted FOR VALUES IN ('us')",
                "INSERT INTO public.parted SELECT g, CASE WHEN g % 3 = 0 THEN 'eu' ELSE 'us' END"
                        + " FROM generate_series(1, 900) g",
                "CREATE UNLOGGED TABLE public.cache (k text)",
                "INSERT INTO public.cache SELECT 'k' || g FROM generate_series(1, 12) g",
                // Large objects full of newline bytes are not rows.
                "CREATE TABLE public.documents (id int, content oid)",
                "INSERT INTO public.documents SELECT g, lo_from_bytea(0, convert_to(repeat(E'x\\n', 70000), 'UTF8'))"
                        + " FROM generate_series(1, 2) g");
        archive = pgDump("--compress=0");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static byte[] pgDump(String... options) throws Exception {
        Path out = dir.resolve("dump-" + System.nanoTime());
        List<String> command = new java.util.ArrayList<>(List.of("pg_dump", "--format=custom", "--file=" + out,
                "--host=" + PgTestServer.HOST, "--port=" + PgTestServer.PORT, "--username=postgres"));
        command.addAll(List.of(options));
        command.add(db);
        Tools.Output output = Tools.run(command, Map.of(), null);
        assertEquals(0, output.exit(), output.err());
        return Files.readAllBytes(out);
    }

    private static Map<QualifiedName, Long> serverCounts() throws Exception {
        Map<QualifiedName, Long> counts = new HashMap<>();
        try (java.sql.Connection conn = PgTestServer.connect(db)) {
            for (PgCatalog.Table table : PgCatalog.tables(conn, PgScope.WHOLE_DATABASE)) {
                counts.put(table.name(), PgCatalog.count(conn, table.name()));
            }
        }
        return counts;
    }

    private static Optional<Map<QualifiedName, Long>> count(byte[] bytes, int maxPiece, long seed) {
        DumpRowCounter counter = new DumpRowCounter();
        Random random = new Random(seed);
        for (int off = 0; off < bytes.length; ) {
            int n = Math.min(bytes.length - off, 1 + random.nextInt(maxPiece));
            counter.accept(bytes, off, n);
            off += n;
        }
        return counter.rows();
    }

    @Test
    void countsEqualTheServersWhateverThePiecesTheArchiveArrivesIn() throws Exception {
        Map<QualifiedName, Long> expected = serverCounts();
        assertEquals(12, expected.size(), expected.toString());
        assertEquals(3000L, expected.get(new QualifiedName("public", "texts")));
        for (int maxPiece : new int[] {1, 3, 7, 4096, 1 << 20}) {
            Map<QualifiedName, Long> counted = count(archive, maxPiece, maxPiece).orElseThrow();
            assertEquals(expected, counted, "pieces of up to " + maxPiece + " bytes");
        }
    }

    @Test
    void dataWithoutTheEndOfDataMarkerCountsEveryLine() throws Exception {
        // A pg_dump that ended its COPY data without the marker line: a last row of empty lines,
        // or a last row written \\. (the value \.), is still a row.
        byte[] marker = {0, 5, 0, 0, 0, '\\', '.', '\n', '\n', '\n'};
        java.io.ByteArrayOutputStream without = new java.io.ByteArrayOutputStream();
        int removed = 0;
        for (int i = 0; i < archive.length; i++) {
            if (i + marker.length <= archive.length
                    && Arrays.equals(archive, i, i + marker.length, marker, 0, marker.length)) {
                i += marker.length - 1;
                removed++;
            } else {
                without.write(archive[i]);
            }
        }
        Map<QualifiedName, Long> expected = serverCounts();
        assertEquals(expected.size(), removed, "one marker per table");
        for (int maxPiece : new int[] {1, 4096}) {
            assertEquals(expected, count(without.toByteArray(), maxPiece, maxPiece).orElseThrow());
        }
    }

    @Test
    void readingThroughTheCountingStreamLeavesTheBytesAlone() throws Exception {
        Map<QualifiedName, Long> expected = serverCounts();
        for (boolean fillingBuffers : new boolean[] {false, true}) {
            DumpRowCounter counter = new DumpRowCounter();
            // Like a pipe, the source hands over a few bytes per read.
            java.io.InputStream trickle = new java.io.FilterInputStream(new java.io.ByteArrayInputStream(archive)) {
                @Override
                public int read(byte[] b, int off, int len) throws java.io.IOException {
                    return super.read(b, off, Math.min(len, 7));
                }
            };
            java.io.InputStream counting = counter.counting(trickle);
            java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = fillingBuffers ? counting.readNBytes(buffer, 0, buffer.length)
                    : counting.read(buffer)) > 0; ) {
                read.write(buffer, 0, n);
            }
            assertTrue(Arrays.equals(archive, read.toByteArray()), "filling buffers: " + fillingBuffers);
            assertEquals(expected, counter.rows().orElseThrow(), "filling buffers: " + fillingBuffers);
        }
    }

    @Test
    void aTruncatedArchiveGivesNoCounts() {
        for (int cut : new int[] {3, 40, archive.length / 2, archive.length - 1}) {
            assertEquals(Optional.empty(), count(Arrays.copyOf(archive, cut), 4096, cut), "cut at " + cut);
        }
    }

    @Test
    void archivesItDoesNotKnowGiveNoCounts() throws Exception {
        assertEquals(Optional.empty(), count(pgDump("--compress=6"), 4096, 1), "zlib-compressed data");
        byte[] newer = archive.clone();
        newer[6] = 99; // archive version 1.99
        assertEquals(Optional.empty(), count(newer, 4096, 1));
        byte[] wideInts = archive.clone();
        wideInts[8] = 8; // a pg_dump whose C int has 8 bytes
        assertEquals(Optional.empty(), count(wideInts, 4096, 1));
        byte[] notAnArchive = "PGDMQ and then something else entirely".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(Optional.empty(), count(notAnArchive, 4096, 1));
        assertEquals(Optional.empty(), count(new byte[0], 4096, 1));
    }
}
