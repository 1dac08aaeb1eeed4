package dev.lifeboat.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.Retries;
import dev.lifeboat.backup.BackupSelector;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.restore.Confirmation;
import dev.lifeboat.restore.RestoreRunner;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restores go into a new database, are checked, and only then swapped in by renames; the old
 * database stays as {@code <db>_pre_restore_…}; every failure leaves the target as it was.
 */
class PostgresRestoreTest extends PostgresFixture {
    String source;
    String target;
    Map<String, String> sourceContent;
    Map<String, String> targetContent;

    @BeforeEach
    void backUpASourceAndMakeATarget() throws Exception {
        source = server.createDatabase("lbt_src");
        PgTestServer.execute(source,
                "CREATE TABLE customers (id serial PRIMARY KEY, name text, profile jsonb)",
                "INSERT INTO customers (name, profile) SELECT 'c' || g, jsonb_build_object('g', g)"
                        + " FROM generate_series(1, 2000) g",
                "CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers, total numeric)",
                "INSERT INTO orders SELECT g, 1 + g % 2000, g * 3 FROM generate_series(1, 666) g");
        sourceContent = PgTestServer.tableDigests(source);
        Cli.Result backup = cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", source), "--repo", repo.toString(),
                "--name", "shop");
        assertEquals(0, backup.exit(), backup.toString());

        target = server.createDatabase("lbt_live");
        PgTestServer.execute(target,
                "CREATE TABLE customers (id serial PRIMARY KEY, name text, profile jsonb)",
                "INSERT INTO customers (name) SELECT 'live' || g FROM generate_series(1, 10) g",
                "CREATE TABLE app_only (x int)");
        targetContent = PgTestServer.tableDigests(target);
    }

    private Cli.Result restore(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("restore", "latest", "--repo", repo.toString(),
                "--name", "shop", "--to", PgTestServer.url("postgres", target), "--yes"));
        args.addAll(List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    private List<String> backupPurposes() {
        return cli.run("list", "--repo", repo.toString(), "--name", "shop").out().lines().skip(1)
                .map(l -> l.split("\\s+")[2]).toList();
    }

    /** The database's own privileges and settings, which are not part of its content. */
    private static String databaseSettings(String database) throws SQLException {
        return PgTestServer.value("postgres", "SELECT d.datacl::text || ' ' || coalesce((SELECT string_agg("
                + "coalesce(r.rolname, '*') || ':' || array_to_string(s.setconfig, ';'), ' ' ORDER BY 1)"
                + " FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE s.setdatabase = d.oid),"
                + " '') FROM pg_database d WHERE d.datname = '" + database + "'");
    }

    @Test
    void successSwapsInTheNewDatabaseAndKeepsTheOldOne() throws Exception {
        String app = server.createRole("lbt_app", "LOGIN");
        PgTestServer.execute("postgres",
                "REVOKE CONNECT, TEMPORARY ON DATABASE " + target + " FROM PUBLIC",
                "GRANT CONNECT ON DATABASE " + target + " TO " + app + " WITH GRANT OPTION",
                "ALTER DATABASE " + target + " SET work_mem TO '7MB'",
                "ALTER DATABASE " + target + " SET search_path TO app, \"$user\", public",
                "ALTER ROLE " + app + " IN DATABASE " + target + " SET timezone TO 'Europe/Berlin'");
        String settings = databaseSettings(target);
        assertTrue(settings.contains(app + "=c*/postgres") && settings.contains("Europe/Berlin"), settings);

        Cli.Result restore = restore();
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(sourceContent, PgTestServer.tableDigests(target));
        List<String> databases = PgTestServer.databasesLike(target);
        assertEquals(2, databases.size(), databases.toString());
        String previous = databases.get(1);
        assertTrue(previous.matches(target + "_pre_restore_\\d{8}_\\d{6}"), previous);
        assertEquals(targetContent, PgTestServer.tableDigests(previous), "the old content is kept, untouched");
        assertEquals(settings, databaseSettings(target), "the database's privileges and settings carry over");
        assertTrue(restore.out().contains("previous content kept as database " + previous), restore.out());
        assertTrue(restore.out().contains("pre-restore backup"), restore.out());
        assertEquals(List.of("backup", "pre-restore"), backupPurposes());
        assertEquals(List.of(source), PgTestServer.databasesLike(source), "the source is not touched");
    }

    @Test
    void aRestoreInTheSameSecondAsAnotherKeepsItsPreviousDatabaseUnderItsOwnName() throws Exception {
        // The names the previous content would get in the next seconds are taken, as by restores just before.
        java.time.format.DateTimeFormatter stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")
                .withZone(java.time.ZoneOffset.UTC);
        java.time.Instant now = java.time.Instant.now();
        List<String> taken = new java.util.ArrayList<>();
        for (int second = 0; second < 20; second++) {
            taken.add(target + "_pre_restore_" + stamp.format(now.plusSeconds(second)));
        }
        for (String name : taken) {
            PgTestServer.execute("postgres", "CREATE DATABASE " + name);
        }
        Cli.Result restore = restore();
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(sourceContent, PgTestServer.tableDigests(target));
        List<String> kept = PgTestServer.databasesLike(target).stream()
                .filter(d -> !d.equals(target) && !taken.contains(d)).toList();
        assertEquals(1, kept.size(), kept.toString());
        assertTrue(kept.get(0).matches(target + "_pre_restore_\\d{8}_\\d{6}_2"), kept.toString());
        assertEquals(targetContent, PgTestServer.tableDigests(kept.get(0)));
        assertTrue(restore.out().contains("previous content kept as database " + kept.get(0)), restore.out());
    }

    @Test
    void aCountMismatchAfterFillingLeavesTheTargetAndNoLeftovers() throws Exception {
        Path manifestFile;
        try (Stream<Path> files = Files.walk(repo)) {
            manifestFile = files.filter(p -> p.getFileName().toString().equals("manifest.json")).findFirst().orElseThrow();
        }
        String json = Files.readString(manifestFile);
        Files.writeString(manifestFile, json.replace("\"public.orders\" : 666", "\"public.orders\" : 667"));

        Cli.Result restore = restore();
        assertEquals(ExitCode.INTEGRITY.code(), restore.exit(), restore.toString());
        assertEquals(1, restore.err().lines().count(), restore.err());
        assertTrue(restore.err().contains("table public.orders has 666 rows, the manifest says 667"), restore.err());
        assertEquals(targetContent, PgTestServer.tableDigests(target));
        assertEquals(List.of(target), PgTestServer.databasesLike(target), "the filled new database was dropped");
        assertEquals(List.of("backup"), backupPurposes(), "no safety backup before the checks pass");
    }

    @Test
    void aFailureAfterTheSwapPutsTheNamesBack() throws Exception {
        Repository repository = Repositories.folder(repo);
        Manifest manifest = BackupSelector.select(repository, "latest", "shop", null);
        ScratchSpace scratch = new ScratchSpace(dir.resolve("scratch"));
        Engines engines = Engines.standard(Duration.ofSeconds(10), Duration.ZERO, System.getenv(), scratch,
                Clock.systemUTC());
        BackupRunner backups = new BackupRunner(Clock.systemUTC(), scratch, Progress.NONE, Retries.NONE);
        RestoreRunner failing = new RestoreRunner(Clock.systemUTC(), backups, new RestoreRunner.Phases() {
            @Override
            public void installed(RestoreTarget installed) {
                try {
                    assertEquals(2000, PgTestServer.count(target, "customers"), "the new content was in place");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("simulated failure after the swap");
            }
        });
        String url = PgTestServer.url("postgres", target);
        LifeboatException failure = assertThrows(LifeboatException.class, () -> failing.restore(repository,
                manifest, engines.forSpec(url).target(url), true, Decryption.NONE, Confirmation.YES,
                Optional.of(new StoredForm(Compression.ZSTD, 3, Encryption.NONE)), Progress.NONE, Optional.empty()));
        assertEquals(ExitCode.TARGET, failure.exitCode());
        assertTrue(failure.getMessage().contains("the previous content was put back"), failure.getMessage());
        assertEquals(targetContent, PgTestServer.tableDigests(target));
        assertEquals(List.of(target), PgTestServer.databasesLike(target), "no restored or renamed database is left");
    }

    @Test
    void otherSessionsBlockTheSwapUnlessTerminated() throws Exception {
        try (Connection app = PgTestServer.connect(target)) {
            Cli.Result refused = restore();
            assertEquals(ExitCode.TARGET.code(), refused.exit(), refused.toString());
            assertEquals(1, refused.err().lines().count(), refused.err());
            assertTrue(refused.err().contains("1 other session(s) use the database " + target), refused.err());
            assertTrue(refused.err().contains("--terminate-connections"), refused.err());
            assertEquals(targetContent, PgTestServer.tableDigests(target));
            assertEquals(List.of(target), PgTestServer.databasesLike(target));
            assertEquals(List.of("backup"), backupPurposes(), "refused before the safety backup");

            Cli.Result restore = restore("--terminate-connections", "--drop-previous", "--jobs", "2");
            assertEquals(0, restore.exit(), restore.toString());
            assertFalse(app.isValid(2), "the application's session was ended");
        }
        assertEquals(sourceContent, PgTestServer.tableDigests(target));
        assertEquals(List.of(target), PgTestServer.databasesLike(target), "--drop-previous dropped the old database");
        assertEquals("t", PgTestServer.value("postgres", "SELECT datallowconn FROM pg_database WHERE datname = '"
                + target + "'"));
    }

    @Test
    void aFailingPgRestoreDropsTheNewDatabase() throws Exception {
        // pg_restore reads a little of the archive, then fails: the pipe breaks under Lifeboat's writes.
        Path bin = Files.createDirectories(dir.resolve("pg-bin"));
        String real = dev.lifeboat.testing.Tools.run(List.of("sh", "-c", "command -v pg_restore"), Map.of(), null)
                .out().trim();
        Path script = bin.resolve("pg_restore");
        Files.writeString(script, "#!/bin/sh\n[ \"$1\" = --version ] && exec '" + real + "' --version\n"
                + "/usr/bin/head -c 1000 >/dev/null\necho 'pg_restore: error: simulated out of disk space' >&2\nexit 1\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path pgDump = Files.writeString(bin.resolve("pg_dump"), "#!/bin/sh\nexec '" + dev.lifeboat.testing.Tools.run(
                List.of("sh", "-c", "command -v pg_dump"), Map.of(), null).out().trim() + "' \"$@\"\n");
        Files.setPosixFilePermissions(pgDump, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Cli.Result restore = restore("--pg-bin", bin.toString());
        assertEquals(ExitCode.INTEGRITY.code(), restore.exit(), restore.toString());
        assertEquals(1, restore.err().lines().count(), restore.err());
        assertTrue(restore.err().contains("pg_restore could not restore the backup into " + target + "_restore_"),
                restore.err());
        assertTrue(restore.err().contains("simulated out of disk space"), restore.err());
        assertEquals(targetContent, PgTestServer.tableDigests(target));
        assertEquals(List.of(target), PgTestServer.databasesLike(target));
        assertEquals(List.of("backup"), backupPurposes());
    }

    @Test
    void partialOrForeignBackupsNeverReplaceAWholeDatabase() throws Exception {
        Cli.Result partial = cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", source), "--repo", repo.toString(),
                "--table", "public.orders", "--name", "orders");
        assertEquals(0, partial.exit(), partial.toString());
        Cli.Result refused = cli.run("restore", "latest", "--repo", repo.toString(), "--name", "orders", "--to",
                PgTestServer.url("postgres", target), "--yes");
        assertEquals(ExitCode.TARGET.code(), refused.exit(), refused.toString());
        assertTrue(refused.err().contains("holds only part of a database (tables public.orders)"), refused.err());
        assertTrue(refused.err().contains("restore it into a new database"), refused.err());

        Path lite = dir.resolve("lite.db");
        dev.lifeboat.testing.TestDatabases.walWithUncheckpointedRows(lite, 5).close();
        assertEquals(0, cli.run("backup", "--no-encrypt", lite.toString(), "--repo", repo.toString()).exit());
        Cli.Result foreign = cli.run("restore", "latest", "--repo", repo.toString(), "--name", "lite", "--to",
                PgTestServer.url("postgres", target), "--yes");
        assertEquals(ExitCode.USAGE.code(), foreign.exit(), foreign.toString());
        assertTrue(foreign.err().contains("backup of a sqlite database"), foreign.err());
        assertEquals(targetContent, PgTestServer.tableDigests(target));
        assertEquals(List.of(target), PgTestServer.databasesLike(target));
    }

    @Test
    void confirmationIsRequiredWithoutATerminal() throws Exception {
        Cli.Result result = cli.run("restore", "latest", "--repo", repo.toString(), "--name", "shop", "--to",
                PgTestServer.url("postgres", target));
        assertEquals(ExitCode.NOT_CONFIRMED.code(), result.exit(), result.toString());
        assertEquals(targetContent, PgTestServer.tableDigests(target));
        assertEquals(List.of(target), PgTestServer.databasesLike(target));
        assertEquals(List.of("backup"), backupPurposes());
    }
}
