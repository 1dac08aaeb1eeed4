package dev.lifeboat.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgTestServer;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** alice/data.db and bob/data.db in one repository are two databases, never one. */
class SourceIdentityTest {
    @TempDir
    Path dir;

    @Test
    void twoFilesWithOneBaseNameAreBothBackedUpAndEachRestoresItsOwn() throws Exception {
        Path alice = dataDb("alice", 100);
        Path bob = dataDb("bob", 7);
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));

        Cli.Result first = cli.run("backup", "--no-encrypt", alice.toString(), "--repo", repo.toString(),
                "--min-interval", "1d");
        assertEquals(0, first.exit(), first.toString());
        Cli.Result second = cli.run("backup", "--no-encrypt", bob.toString(), "--repo", repo.toString(),
                "--min-interval", "1d");
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.out().startsWith("backup "), "not skipped: " + second);
        assertTrue(second.err().contains("backups named 'data' belong to sqlite:" + alice.toRealPath()
                + "; this database's backups are named 'bob-data'"), second.err());

        Map<String, String> names = manifests(repo).stream().collect(Collectors.toMap(Manifest::name,
                m -> m.source().identity()));
        assertEquals(Map.of("data", "sqlite:" + alice.toRealPath(), "bob-data", "sqlite:" + bob.toRealPath()), names);

        // The next run of each is skipped by its own --min-interval, not by the other's backup.
        Cli.Result again = cli.run("backup", "--no-encrypt", bob.toString(), "--repo", repo.toString(),
                "--min-interval", "1d");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().startsWith("skipped: backup "), again.toString());
        assertEquals(2, manifests(repo).size());

        // latest for bob's place is bob's backup, though its file is called data.db too.
        Files.delete(bob);
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--to", bob.toString());
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(7L, TestDatabases.counts(bob).get("customers"));

        // An explicit name that another database holds is refused with both named.
        Cli.Result clash = cli.run("backup", "--no-encrypt", bob.toString(), "--repo", repo.toString(), "--name",
                "data");
        Cli.assertOneLineFailure(clash, ExitCode.USAGE, "the backup name 'data' already belongs to sqlite:"
                + alice.toRealPath(), "this source is sqlite:" + bob.toRealPath(), "--name");
        assertEquals(2, manifests(repo).size(), "nothing was stored");
    }

    /**
     * Retention groups by source: where a repository from before names were claimed gave one name
     * to two databases, one's backups never push the other's out.
     */
    @Test
    void retentionKeepsEachDatabasesOwnBackupsUnderOneOldName() throws Exception {
        Path alice = dataDb("alice", 10);
        Path bob = dataDb("bob", 7);
        Path repo = dir.resolve("repo");
        Cli cli = new Cli(dir.resolve("scratch"));
        for (Path db : List.of(alice, alice, bob)) {
            assertEquals(0, cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()).exit());
            Thread.sleep(1100); // ids have one-second resolution
        }
        // As an older Lifeboat would have named it: bob's backup under alice's name.
        Manifest bobs = manifests(repo).stream().filter(m -> m.name().equals("bob-data")).findFirst().orElseThrow();
        Path manifest = repo.resolve("backups").resolve(bobs.id()).resolve("manifest.json");
        String renamed = Files.readString(manifest).replace("\"bob-data\"", "\"data\"");
        Files.writeString(manifest, renamed);
        assertEquals(List.of("data", "data", "data"), manifests(repo).stream().map(Manifest::name).toList());

        Cli.Result prune = cli.run("prune", "--repo", repo.toString(), "--keep-last", "1");
        assertEquals(0, prune.exit(), prune.toString());
        assertEquals(List.of("sqlite:" + alice.toRealPath(), "sqlite:" + bob.toRealPath()), manifests(repo).stream()
                .map(m -> m.source().identity()).sorted().toList(), "the newest of each database is kept");
    }

    /**
     * PostgreSQL databases have identities too: a name another database holds is refused,
     * {@code latest} for a database finds its own backups whatever they are named, and a backup
     * restored over another database says so.
     */
    @Test
    void postgresqlTargetsFindTheirOwnBackupsAndAnotherDatabasesBackupIsNamed() throws Exception {
        try (PgTestServer server = new PgTestServer()) {
            String shop = server.createDatabase("shop");
            String billing = server.createDatabase("billing");
            PgTestServer.execute(shop, "CREATE TABLE orders(id int)", "INSERT INTO orders SELECT generate_series(1, 30)");
            PgTestServer.execute(billing, "CREATE TABLE invoices(id int)",
                    "INSERT INTO invoices SELECT generate_series(1, 4)");
            Path repo = dir.resolve("repo");
            Cli cli = new Cli(dir.resolve("scratch"));
            String shopUrl = PgTestServer.url("postgres", shop);
            String billingUrl = PgTestServer.url("postgres", billing);
            assertEquals(0, cli.run("backup", "--no-encrypt", shopUrl, "--repo", repo.toString(), "--name", "app")
                    .exit());
            Cli.Result clash = cli.run("backup", "--no-encrypt", billingUrl, "--repo", repo.toString(), "--name",
                    "app");
            Cli.assertOneLineFailure(clash, ExitCode.USAGE, "the backup name 'app' already belongs to postgresql://"
                    + PgTestServer.HOST + ":" + PgTestServer.PORT + "/" + shop, "--name");
            assertEquals(0, cli.run("backup", "--no-encrypt", billingUrl, "--repo", repo.toString(), "--name",
                    "accounts").exit());

            // Neither name is the database's: latest for billing's place is billing's backup all the same.
            PgTestServer.execute(billing, "INSERT INTO invoices VALUES (99)");
            Cli.Result own = cli.run("restore", "latest", "--repo", repo.toString(), "--to", billingUrl, "--yes");
            assertEquals(0, own.exit(), own.toString());
            assertTrue(own.out().contains(" of accounts "), own.out());
            assertTrue(!own.err().contains("another database"), own.err());
            assertEquals(4, PgTestServer.count(billing, "invoices"));

            // Shop's backup over billing: allowed (restoring into another database is a use), never silent.
            Cli.Result other = cli.run("restore", "latest", "--name", "app", "--repo", repo.toString(), "--to",
                    billingUrl, "--yes");
            assertEquals(0, other.exit(), other.toString());
            assertTrue(other.err().contains("is of postgresql://" + PgTestServer.HOST + ":" + PgTestServer.PORT + "/"
                    + shop + ", and it replaces postgresql://" + PgTestServer.HOST + ":" + PgTestServer.PORT + "/"
                    + billing + ", another database"), other.err());
            assertEquals(30, PgTestServer.count(billing, "orders"));
        }
    }

    /** {@code FOLDER/data.db} in WAL mode with {@code rows} customers: every user's database has this name. */
    private Path dataDb(String folder, int rows) throws Exception {
        Path db = Files.createDirectories(dir.resolve(folder)).resolve("data.db");
        TestDatabases.walWithUncheckpointedRows(db, rows).close();
        return db;
    }

    private static List<Manifest> manifests(Path repo) throws Exception {
        try (Repository repository = Repositories.open(repo.toString(), Map.of())) {
            return repository.manifests();
        }
    }
}
