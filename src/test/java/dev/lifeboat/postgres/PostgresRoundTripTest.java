package dev.lifeboat.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgTestServer;
import dev.lifeboat.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Backups of a real database restore to the same content, and stock pg_restore reads them. */
class PostgresRoundTripTest extends PostgresFixture {
    /** Several schemas, sequences, a view, functions, large objects, JSONB and 200,000 rows. */
    static void fillShop(String db) throws Exception {
        PgTestServer.execute(db,
                "CREATE SCHEMA sales", "CREATE SCHEMA audit", "CREATE SCHEMA tenant_a",
                "CREATE TABLE sales.customers (id serial PRIMARY KEY, name text NOT NULL, profile jsonb)",
                "INSERT INTO sales.customers (name, profile) SELECT 'customer ' || g,"
                        + " jsonb_build_object('tier', g % 5, 'tags', jsonb_build_array('a' || g % 7, 'b'), 'vip', g % 11 = 0)"
                        + " FROM generate_series(1, 1000) g",
                "CREATE TABLE sales.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        + " customer_id int NOT NULL REFERENCES sales.customers, total numeric(12,2), placed_at timestamptz)",
                "INSERT INTO sales.orders (customer_id, total, placed_at) SELECT 1 + g % 1000, (g * 1.37)::numeric(12,2),"
                        + " timestamptz '2024-01-01 00:00+00' + g * interval '1 minute' FROM generate_series(1, 5000) g",
                "CREATE VIEW sales.big_spenders AS SELECT customer_id, sum(total) AS spent FROM sales.orders"
                        + " GROUP BY customer_id HAVING sum(total) > 30000",
                "CREATE FUNCTION sales.spent(c int) RETURNS numeric LANGUAGE sql STABLE AS"
                        + " $$ SELECT coalesce(sum(total), 0) FROM sales.orders WHERE customer_id = c $$",
                "CREATE TABLE audit.events (id bigint PRIMARY KEY, kind text NOT NULL, payload jsonb)",
                "INSERT INTO audit.events SELECT g, (ARRAY['login','logout','buy'])[1 + g % 3],"
                        + " jsonb_build_object('n', g, 'ip', '10.0.' || g % 256 || '.' || g % 97) FROM generate_series(1, 200000) g",
                "CREATE SEQUENCE audit.ticket_seq START 100",
                "SELECT setval('audit.ticket_seq', 4242)",
                "CREATE FUNCTION audit.next_ticket() RETURNS bigint LANGUAGE plpgsql AS"
                        + " $$ BEGIN RETURN nextval('audit.ticket_seq'); END $$",
                "CREATE TABLE tenant_a.notes (id int PRIMARY KEY, body text)",
                "INSERT INTO tenant_a.notes SELECT g, repeat('note ', g % 20) FROM generate_series(1, 300) g",
                "CREATE TABLE public.documents (id int PRIMARY KEY, content oid)",
                "INSERT INTO public.documents SELECT g, lo_from_bytea(0, convert_to(repeat('page ' || g, 5000), 'UTF8'))"
                        + " FROM generate_series(1, 3) g");
    }

    /** What must survive a round trip besides table rows: sequences, views, functions, large objects. */
    static Map<String, String> objects(String db) throws Exception {
        Map<String, String> objects = new TreeMap<>();
        objects.put("ticket_seq", PgTestServer.value(db, "SELECT last_value FROM audit.ticket_seq"));
        objects.put("customers_seq", PgTestServer.value(db, "SELECT last_value FROM sales.customers_id_seq"));
        objects.put("big_spenders", PgTestServer.value(db, "SELECT count(*) || '/' || sum(spent) FROM sales.big_spenders"));
        objects.put("spent(7)", PgTestServer.value(db, "SELECT sales.spent(7)"));
        objects.put("large objects", PgTestServer.value(db, "SELECT count(*) || ' ' || md5(string_agg(md5(lo_get(oid)),"
                + " ',' ORDER BY oid)) FROM pg_largeobject_metadata"));
        return objects;
    }

    private Manifest manifest(Cli.Result backup) throws Exception {
        return backup.manifest();
    }

    @Test
    void wholeDatabaseRoundTripWithStockPgRestoreAndVerify() throws Exception {
        String db = server.createDatabase("lbt_shop");
        fillShop(db);
        Map<String, String> digests = PgTestServer.tableDigests(db);
        Map<String, String> objects = objects(db);

        Cli.Result backup = cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString(), "--json");
        assertEquals(0, backup.exit(), backup.toString());
        Manifest manifest = manifest(backup);
        assertEquals("postgresql", manifest.source().kind());
        assertEquals(Map.of("audit.events", 200000L, "public.documents", 3L, "sales.customers", 1000L,
                "sales.orders", 5000L, "tenant_a.notes", 300L), manifest.facts().tableRows());
        assertEquals("dump", manifest.facts().properties().get("row_counts_from"), "counted as the dump streamed");
        assertEquals("3", manifest.facts().properties().get("large_objects"));
        assertEquals("UTF8", manifest.facts().properties().get("encoding"));
        assertTrue(manifest.facts().properties().get("extensions").contains("plpgsql"));
        assertTrue(Long.parseLong(manifest.facts().properties().get("database_size")) > 1_000_000);
        assertTrue(manifest.facts().engineVersion().startsWith(
                PgTestServer.value("postgres", "SHOW server_version").split(" ")[0]));
        assertTrue(manifest.object().endsWith(".pgdump.zst"), manifest.object());

        // The plain snapshot is a standard pg_dump custom archive: lifeboat cat latest --repo R | pg_restore -l
        Tools.requireTool("pg_restore");
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                        System.getProperty("java.class.path"), "dev.lifeboat.cli.Main", "cat", "latest", "--repo",
                        repo.toString()).redirectError(dir.resolve("cat.err").toFile()),
                new ProcessBuilder("pg_restore", "-l").redirectError(dir.resolve("pg_restore.err").toFile())));
        String toc = new String(pipeline.get(1).getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, pipeline.get(0).waitFor(), Files.readString(dir.resolve("cat.err")));
        assertEquals(0, pipeline.get(1).waitFor(), Files.readString(dir.resolve("pg_restore.err")));
        assertTrue(toc.contains("TABLE DATA audit events"), toc);
        assertTrue(toc.contains("BLOBS") || toc.contains("BLOB"), toc);

        Cli.Result verify = cli.run("verify", "latest", "--repo", repo.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("row counts: 5 tables, 206303 rows, equal to the manifest"), verify.out());
        assertEquals(List.of(db), PgTestServer.databasesLike(db), "the scratch database is dropped");

        String copy = server.adopt(db + "_copy");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to",
                PgTestServer.url("postgres", copy));
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(digests, PgTestServer.tableDigests(copy));
        assertEquals(objects, objects(copy));
        assertEquals("4243", PgTestServer.value(copy, "SELECT audit.next_ticket()"), "the sequence goes on");
        assertEquals(List.of(db, copy), PgTestServer.databasesLike(db), "no staging database is left");
    }

    @Test
    void perSchemaBackupRestoresOnlyThatSchema() throws Exception {
        String db = server.createDatabase("lbt_tenant");
        PgTestServer.execute(db,
                "CREATE SCHEMA tenant_a", "CREATE SCHEMA tenant_b",
                "CREATE TABLE tenant_a.notes (id serial PRIMARY KEY, body jsonb)",
                "CREATE TABLE tenant_b.notes (id serial PRIMARY KEY, body jsonb)",
                "CREATE TABLE public.shared (id int)",
                "INSERT INTO tenant_a.notes (body) SELECT jsonb_build_object('a', g) FROM generate_series(1, 120) g",
                "INSERT INTO tenant_b.notes (body) SELECT jsonb_build_object('b', g) FROM generate_series(1, 80) g",
                "INSERT INTO public.shared VALUES (1)");
        Cli.Result backup = cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString(),
                "--schema", "tenant_a", "--name", "tenant_a", "--json");
        assertEquals(0, backup.exit(), backup.toString());
        assertEquals(Map.of("tenant_a.notes", 120L), manifest(backup).facts().tableRows());
        assertEquals("schemas tenant_a", manifest(backup).facts().properties().get("scope"));

        String copy = server.adopt(db + "_a");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--name", "tenant_a", "--to",
                PgTestServer.url("postgres", copy));
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(Map.of("tenant_a.notes", PgTestServer.tableDigests(db).get("tenant_a.notes")),
                PgTestServer.tableDigests(copy));
        assertEquals("0", PgTestServer.value(copy, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant_b'"));

        // Table scopes and exclusions follow pg_dump's rules, and the counts follow the scope.
        Cli.Result tables = cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString(),
                "--exclude-schema", "tenant_a", "--exclude-table", "public.shared", "--name", "rest", "--json");
        assertEquals(0, tables.exit(), tables.toString());
        assertEquals(Map.of("tenant_b.notes", 80L), manifest(tables).facts().tableRows());
        assertEquals(0, cli.run("verify", "latest", "--repo", repo.toString(), "--name", "rest").exit());

        Cli.Result missing = cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString(),
                "--schema", "tenant_c", "--name", "c");
        assertEquals(3, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("has no schema tenant_c"), missing.err());
    }

    @Test
    void tableScopeEstimatedFactsAndAUnixSocket() throws Exception {
        String db = server.createDatabase("lbt_scope");
        PgTestServer.execute(db,
                "CREATE TABLE public.orders (id int PRIMARY KEY, total numeric)",
                "CREATE TABLE public.customers (id serial PRIMARY KEY, name text)",
                "INSERT INTO public.orders SELECT g, g * 2 FROM generate_series(1, 5000) g",
                "INSERT INTO public.customers (name) SELECT 'c' || g FROM generate_series(1, 70) g",
                "ANALYZE");
        // Through the server's unix socket (an empty host means its default folder, as in libpq).
        String socketUrl = "postgresql://postgres@/" + db + "?host=/var/run/postgresql";
        Cli.Result backup = cli.run("backup", "--no-encrypt", socketUrl, "--repo", repo.toString(), "--table", "public.orders",
                "--facts", "estimate", "--json");
        assertEquals(0, backup.exit(), backup.toString());
        Manifest manifest = manifest(backup);
        assertEquals(java.util.Set.of("public.orders"), manifest.facts().tableRows().keySet());
        assertEquals("estimate", manifest.facts().properties().get("row_counts"));
        assertEquals(5000L, manifest.facts().tableRows().get("public.orders"), "ANALYZE saw every row");
        assertTrue(manifest.source().location().contains("host=/var/run/postgresql"), manifest.source().location());
        Cli.Result verify = cli.run("verify", "latest", "--repo", repo.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("the manifest holds estimates only"), verify.out());
        assertEquals(List.of(db), PgTestServer.databasesLike(db));
    }

    @Test
    void countsComeFromTheDumpsSnapshotWhileTheApplicationWrites() throws Exception {
        String db = server.createDatabase("lbt_busy");
        PgTestServer.execute(db,
                "CREATE TABLE ticks (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), note text)",
                "CREATE TABLE bulk (id int PRIMARY KEY, payload text)",
                "INSERT INTO bulk SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 200000) g",
                "INSERT INTO ticks (note) SELECT 'before' FROM generate_series(1, 10)");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        Thread writer = new Thread(() -> {
            try (java.sql.Connection conn = PgTestServer.connect(db); java.sql.Statement st = conn.createStatement()) {
                while (!stop.get()) {
                    st.execute("INSERT INTO ticks (note) VALUES ('during')");
                    st.execute("UPDATE bulk SET payload = payload || '+' WHERE id = " + (1 + written.get() % 200000));
                    written.incrementAndGet();
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        Cli.Result backup;
        try {
            while (written.get() < 20) {
                Thread.sleep(10);
            }
            backup = cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString(), "--json");
            long atEnd = written.get();
            while (written.get() < atEnd + 20) {
                Thread.sleep(10);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertEquals(0, backup.exit(), backup.toString());
        Map<String, Long> counted = manifest(backup).facts().tableRows();
        long live = PgTestServer.count(db, "ticks");
        assertTrue(counted.get("public.ticks") > 30 && counted.get("public.ticks") < live,
                "writes went on before and after the snapshot: " + counted + ", live " + live);

        String copy = server.adopt(db + "_copy");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to",
                PgTestServer.url("postgres", copy));
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(counted.get("public.ticks"), PgTestServer.count(copy, "ticks"));
        assertEquals(counted.get("public.bulk"), PgTestServer.count(copy, "bulk"));
        assertEquals(counted.get("public.ticks"), Long.parseLong(PgTestServer.value(copy, "SELECT max(id) FROM ticks")),
                "the rows are exactly the first ones: one snapshot, no gaps");
    }

    @Test
    void aDumpLifeboatCannotReadIsCountedInTheSnapshotInstead() throws Exception {
        // A pg_dump whose archive compresses its data (its last --compress wins): Lifeboat cannot
        // count its COPY lines, so it counts the tables in the exported snapshot after the dump.
        Path bin = Files.createDirectories(dir.resolve("pg-bin"));
        for (String tool : List.of("pg_dump", "pg_restore")) {
            String real = Tools.run(List.of("sh", "-c", "command -v " + tool), Map.of(), null).out().trim();
            Path script = Files.writeString(bin.resolve(tool), "#!/bin/sh\n[ \"$1\" = --version ] && exec '" + real
                    + "' --version\nexec '" + real + "' \"$@\"" + (tool.equals("pg_dump") ? " --compress=6" : "") + "\n");
            Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        String db = server.createDatabase("lbt_zlib");
        PgTestServer.execute(db, "CREATE TABLE public.items (id int PRIMARY KEY, note text)",
                "INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 5000) g",
                "CREATE TABLE public.none (id int)");

        Cli.Result backup = cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString(),
                "--pg-bin", bin.toString(), "--json");
        assertEquals(0, backup.exit(), backup.toString());
        Manifest manifest = manifest(backup);
        assertEquals(Map.of("public.items", 5000L, "public.none", 0L), manifest.facts().tableRows());
        assertEquals("snapshot", manifest.facts().properties().get("row_counts_from"));
        assertEquals("exact", manifest.facts().properties().get("row_counts"));

        Cli.Result verify = cli.run("verify", "latest", "--repo", repo.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("row counts: 2 tables, 5000 rows, equal to the manifest"), verify.out());
    }

    @Test
    void aTableTheDumpNamesInAnotherEncodingIsCountedInTheSnapshot() throws Exception {
        // pg_dump writes names in the database's encoding; Lifeboat reads the archive's as UTF-8,
        // so a LATIN1 name does not match and that one table is counted in the exported snapshot.
        String db = server.adopt(PgTestServer.unique("lbt_latin1"));
        PgTestServer.execute("postgres", "CREATE DATABASE " + db
                + " ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        PgTestServer.execute(db, "CREATE TABLE public.\"café\" (id int)",
                "INSERT INTO public.\"café\" SELECT generate_series(1, 321)",
                "CREATE TABLE public.plain (id int)", "INSERT INTO public.plain SELECT generate_series(1, 45)");

        Cli.Result backup = cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString(),
                "--json");
        assertEquals(0, backup.exit(), backup.toString());
        Manifest manifest = manifest(backup);
        assertEquals(Map.of("public.café", 321L, "public.plain", 45L), manifest.facts().tableRows());
        assertEquals("dump+snapshot", manifest.facts().properties().get("row_counts_from"));
        Cli.Result verify = cli.run("verify", "latest", "--repo", repo.toString());
        assertEquals(0, verify.exit(), verify.toString());
    }
}
