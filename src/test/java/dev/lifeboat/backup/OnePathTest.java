package dev.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.ExitCode;
import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.crypto.GpgCli;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgTestServer;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line and a job go through the same services: the same request gives the same
 * backup, the same catalog records and the same refusals, and a pin holds whichever path made it.
 */
class OnePathTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void aJobAndTheEquivalentCommandLineMakeTheSameBackup() throws Exception {
        AgeCli.Key key = new AgeCli(Files.createDirectories(dir.resolve("keys"))).keygen("key");
        Path db = dir.resolve("shop.db");
        Path byHand = dir.resolve("by-hand");
        Path byJob = dir.resolve("by-job");
        Path optionalMissing = dir.resolve("not-a-folder");
        Files.writeString(optionalMissing, "a file where the optional repository should be");
        Path config = write("""
                jobs:
                  shop:
                    source: %s
                    repositories:
                      - %s
                      - { path: %s, optional: true }
                    encryption: { recipients: [ "%s" ] }
                """.formatted(db, byJob, optionalMissing, key.publicKey()));
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 300)) {
            Cli.Result hand = cli.run("backup", db.toString(), "--repo", byHand.toString(), "--repo",
                    optionalMissing + "#optional", "--name", "shop", "--recipient", key.publicKey());
            assertEquals(0, hand.exit(), hand.toString());
            Cli.Result job = cli.run("run", "shop", "--config", config.toString());
            assertEquals(0, job.exit(), job.toString());
            assertTrue(hand.err().contains("'lifeboat copy ") && job.out().contains("'lifeboat copy "),
                    "both paths say how to fill the optional repository later:\n" + hand + "\n" + job);
            assertTrue(job.out().contains("to 1 repository"), "only the repository that has it is counted: " + job);
        }
        assertEquals(comparable(manifest(byHand)), comparable(manifest(byJob)));
        assertEquals(pin(byHand), pin(byJob), "both repositories are pinned to the same key");
        assertEquals(key.publicKey(), pin(byJob).get("recipients").get(0).asText());

        Cli.Result catalog = cli.run("history", "--json");
        assertEquals(0, catalog.exit(), catalog.toString());
        JsonNode runs = JSON.readTree(catalog.out()).get("runs");
        long backups = 0;
        for (JsonNode run : runs) {
            if ("backup".equals(run.path("kind").asText())) {
                backups++;
                assertEquals("COMPLETED", run.path("status").asText(), run.toString());
                assertEquals("shop", run.path("name").asText(), run.toString());
            }
        }
        assertEquals(2, backups, catalog.out());

        Path restored = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(), "--to",
                restored.toString());
        assertEquals(ExitCode.KEY.code(), restore.exit(), "without a key in the job, restore --job asks for one: "
                + restore);
    }

    @Test
    void aPinHoldsOnEveryPathAndIsRefusedWithOneMessage() throws Exception {
        AgeCli.Key key = new AgeCli(Files.createDirectories(dir.resolve("keys"))).keygen("key");
        Path db = dir.resolve("shop.db");
        Path repo = dir.resolve("repo");
        Path encrypted = write("jobs:\n  shop:\n    source: " + db + "\n    repositories: [ " + repo + " ]\n"
                + "    encryption: { recipients: [ \"" + key.publicKey() + "\" ], identity: file:" + key.file() + " }\n",
                "encrypted.yaml");
        Path plain = write("jobs:\n  shop:\n    source: " + db + "\n    repositories: [ " + repo + " ]\n"
                + "    encryption: none\n", "plain.yaml");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 50)) {
            assertEquals(0, cli.run("run", "shop", "--config", encrypted.toString()).exit());
            assertEquals("age", pin(repo).get("scheme").asText(), "a repository first written by a job is pinned");
            String refusal = "repository " + repo + " keeps its backups encrypted (age); use another repository for"
                    + " unencrypted backups";
            Cli.Result hand = cli.run("backup", db.toString(), "--repo", repo.toString(), "--no-encrypt");
            Cli.assertOneLineFailure(hand, ExitCode.USAGE, refusal);
            assertRefusedAfterItsLogLine(cli.run("run", "shop", "--config", plain.toString()), refusal);
            assertRefusedAfterItsLogLine(cli.run("backup", "--job", "shop", "--config", plain.toString()), refusal);
            Cli.Result withoutFlags = cli.run("backup", db.toString(), "--repo", repo.toString(), "--name", "shop");
            assertEquals(0, withoutFlags.exit(), "the pin encrypts a backup made without flags: " + withoutFlags);
        }
        assertEquals(2, backupCount(repo), "no plaintext backup reached the pinned repository");
        Path restored = dir.resolve("restored.db");
        Cli.Result restore = cli.run("restore", "latest", "--job", "shop", "--config", encrypted.toString(), "--to",
                restored.toString(), "--yes");
        assertEquals(0, restore.exit(), "restore --job decrypts with the job's identity: " + restore);
        assertEquals(50L, TestDatabases.counts(restored).get("customers"));

        Cli.Result overSource = cli.run("restore", "latest", "--job", "shop", "--config", encrypted.toString(), "--yes");
        assertEquals(0, overSource.exit(), "the job's source is the default target: " + overSource);
        assertTrue(overSource.out().contains("restored ") && overSource.out().contains(" to " + db)
                && overSource.out().contains("pre-restore backup"), overSource.out());
        JsonNode safety = preRestore(repo);
        assertEquals(key.publicKey(), safety.get("encryption").get("recipients").get(0).asText(),
                "the safety backup is sealed for the job's key, so its identity opens it again");
    }

    /**
     * The pin holds on the restore path too: restoring a backup stored before the repository was
     * pinned (unencrypted) keeps the replaced content as a safety backup sealed for the pin, by
     * hand and by {@code restore --job} alike, never as plaintext.
     */
    @Test
    void aRestoreKeepsItsSafetyBackupUnderThePinOnEveryPath() throws Exception {
        AgeCli.Key key = new AgeCli(Files.createDirectories(dir.resolve("keys"))).keygen("key");
        Path db = dir.resolve("shop.db");
        Path repo = dir.resolve("repo");
        Path plain = write("jobs:\n  shop:\n    source: " + db + "\n    repositories: [ " + repo + " ]\n"
                + "    encryption: none\n", "plain.yaml");
        Cli cli = new Cli(dir.resolve("scratch"));
        String plainId;
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 25)) {
            assertEquals(0, cli.run("run", "shop", "--config", plain.toString()).exit());
            plainId = onlyBackup(repo);
            Cli.Result pinning = cli.run("backup", db.toString(), "--repo", repo.toString(), "--name", "shop",
                    "--recipient", key.publicKey());
            assertEquals(0, pinning.exit(), pinning.toString());
        }
        assertEquals("age", pin(repo).get("scheme").asText());
        Cli.Result byJob = cli.run("restore", plainId, "--job", "shop", "--config", plain.toString(), "--yes");
        assertEquals(0, byJob.exit(), byJob.toString());
        Cli.Result byHand = cli.run("restore", plainId, "--repo", repo.toString(), "--to", db.toString(), "--yes");
        assertEquals(0, byHand.exit(), byHand.toString());
        try (Stream<Path> backups = Files.list(repo.resolve("backups"))) {
            int safety = 0;
            for (Path backup : backups.toList()) {
                JsonNode manifest = JSON.readTree(backup.resolve("manifest.json").toFile());
                if ("pre-restore".equals(manifest.get("purpose").asText())) {
                    safety++;
                    assertEquals(key.publicKey(), manifest.get("encryption").get("recipients").get(0).asText(),
                            "sealed for the pin: " + manifest);
                }
            }
            assertEquals(2, safety, "one safety backup per restore");
        }
    }

    @Test
    void verifyOnTheCommandLineAndAsAJobGiveTheSameVerdictExitCodeAndRecords() throws Exception {
        AgeCli.Key key = new AgeCli(Files.createDirectories(dir.resolve("keys"))).keygen("key");
        Path db = dir.resolve("shop.db");
        Path repo = dir.resolve("repo");
        Path config = write("jobs:\n  shop:\n    source: " + db + "\n    repositories: [ " + repo + " ]\n"
                + "    encryption: { recipients: [ \"" + key.publicKey() + "\" ], identity: file:" + key.file() + " }\n");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 80)) {
            assertEquals(0, cli.run("run", "shop", "--config", config.toString()).exit());
        }
        String[] byHand = {"verify", "latest", "--repo", repo.toString(), "--name", "shop", "--identity-file",
                key.file().toString()};
        assertEquals(0, cli.run(byHand).exit());
        assertEquals(0, cli.run("run", "shop", "--config", config.toString(), "--verify").exit());

        Path object = repo.resolve("backups").resolve(onlyBackup(repo)).resolve(objectName(repo));
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(object, bytes);
        Cli.Result hand = cli.run(byHand);
        Cli.Result job = cli.run("run", "shop", "--config", config.toString(), "--verify");
        assertEquals(ExitCode.INTEGRITY.code(), hand.exit(), hand.toString());
        assertEquals(hand.exit(), job.exit(), "run --verify exits as verify does: " + job);
        assertTrue(job.err().contains("backup is corrupted or tampered"), job.toString());

        List<String> verifies = new java.util.ArrayList<>();
        for (JsonNode run : JSON.readTree(cli.run("history", "--json").out()).get("runs")) {
            if ("verify".equals(run.path("kind").asText())) {
                verifies.add(run.path("trigger").asText() + " " + run.path("status").asText());
            }
        }
        assertEquals(List.of("manual FAILED", "manual FAILED", "manual COMPLETED", "manual COMPLETED"), verifies,
                "each path records the same runs, newest first");
    }

    /** Without a key to open the backup, verify and a job's verification are refused alike: exit 11, one cause. */
    @Test
    void aVerificationWithoutTheKeyIsRefusedAlikeOnBothPaths() throws Exception {
        AgeCli.Key key = new AgeCli(Files.createDirectories(dir.resolve("keys"))).keygen("key");
        Path db = dir.resolve("shop.db");
        Path repo = dir.resolve("repo");
        Path config = write("jobs:\n  shop:\n    source: " + db + "\n    repositories: [ " + repo + " ]\n"
                + "    encryption: { recipients: [ \"" + key.publicKey() + "\" ] }\n");
        Cli cli = new Cli(dir.resolve("scratch"));
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 20)) {
            assertEquals(0, cli.run("run", "shop", "--config", config.toString()).exit());
        }
        Cli.Result hand = cli.run("verify", "latest", "--repo", repo.toString(), "--name", "shop");
        Cli.Result job = cli.run("run", "shop", "--config", config.toString(), "--verify");
        assertEquals(ExitCode.KEY.code(), hand.exit(), hand.toString());
        assertEquals(hand.exit(), job.exit(), job.toString());
        String cause = lastLine(hand.err()).replaceFirst("^lifeboat: ", "");
        assertTrue(cause.startsWith("this backup is encrypted with age; give the key"), cause);
        assertEquals("lifeboat: verify of shop failed: " + repo + ": " + cause, lastLine(job.err()));
    }

    @Test
    void aJobWithAnOpenPgpKeyBacksUpVerifiesAndRestores() throws Exception {
        Path db = dir.resolve("shop.db");
        Path repo = dir.resolve("repo");
        try (GpgCli gpg = new GpgCli(Files.createDirectories(dir.resolve("gpg")))) {
            String fingerprint = gpg.generate(GpgCli.Kind.CURVE25519, "ops@example.org", "correct horse");
            Path publicKey = Files.write(dir.resolve("ops.asc"), gpg.exportPublic(fingerprint, true));
            Path privateKey = Files.write(dir.resolve("ops-secret.asc"),
                    gpg.exportSecret(fingerprint, "correct horse", true));
            Path config = write("""
                    jobs:
                      shop:
                        source: %s
                        repositories: [ %s ]
                        encryption:
                          pgp-public-key: %s
                          pgp-private-key: file:%s
                          pgp-passphrase: ${OPS_PGP_PASSPHRASE}
                    """.formatted(db, repo, publicKey, privateKey));
            Cli cli = new Cli(dir.resolve("scratch")).env("OPS_PGP_PASSPHRASE", "correct horse");
            try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 120)) {
                Cli.Result backup = cli.run("run", "shop", "--config", config.toString());
                assertEquals(0, backup.exit(), backup.toString());
                Cli.Result verify = cli.run("run", "shop", "--config", config.toString(), "--verify");
                assertEquals(0, verify.exit(), verify.toString());
            }
            assertEquals("openpgp", pin(repo).get("scheme").asText());
            assertTrue(objectName(repo).endsWith(".gpg"), objectName(repo));
            Path restored = dir.resolve("restored.db");
            Cli.Result restore = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(), "--to",
                    restored.toString());
            assertEquals(0, restore.exit(), restore.toString());
            assertEquals(120L, TestDatabases.counts(restored).get("customers"));
            Cli.Result overSource = cli.run("restore", "latest", "--job", "shop", "--config", config.toString(),
                    "--yes");
            assertEquals(0, overSource.exit(), "over the job's source, with a safety backup: " + overSource);
            JsonNode safetyBackup = preRestore(repo);
            assertEquals("openpgp", safetyBackup.get("encryption").get("scheme").asText(),
                    "sealed for the public part of the job's private key");
            Path previous = dir.resolve("previous.db");
            Cli.Result safety = cli.run("restore", safetyBackup.get("id").asText(), "--job", "shop", "--config", config.toString(),
                    "--to", previous.toString());
            assertEquals(0, safety.exit(), "the job's private key opens its safety backup: " + safety);
            assertEquals(120L, TestDatabases.counts(previous).get("customers"));
            Path plain = dir.resolve("by-gpg.db.zst");
            String id = safetyBackup.get("id").asText();
            var stock = gpg.decrypt(repo.resolve("backups").resolve(id).resolve(objectName(repo, id)),
                    plain, "correct horse");
            assertEquals(0, stock.exit(), "stock gpg opens what the job stored: " + stock);
        }
    }

    /**
     * SQLCipher: the same backup by hand and by job (same manifest, key check included), and a
     * restore made either way leaves the same database and the same kind of safety backup.
     */
    @Test
    void anSqlcipherJobAndTheCommandLineMakeTheSameBackupAndRestoreAlike() throws Exception {
        Path db = dir.resolve("vault.db");
        String keyed = "PRAGMA key = 'vault key';";
        dev.lifeboat.testing.SqlcipherShell.query(db, keyed, "CREATE TABLE notes(body TEXT);"
                + " INSERT INTO notes VALUES ('a'), ('b'), ('c');");
        String spec = "sqlcipher:" + db + "?key-env=VAULT_KEY&legacy=3";
        Path byHand = dir.resolve("by-hand");
        Path byJob = dir.resolve("by-job");
        Path config = write("jobs:\n  vault:\n    source: \"" + spec + "\"\n    repositories: [ " + byJob + " ]\n"
                + "    encryption: none\n");
        Cli cli = new Cli(dir.resolve("scratch")).env("VAULT_KEY", "vault key");
        Cli.Result hand = cli.run("backup", spec, "--repo", byHand.toString(), "--name", "vault", "--no-encrypt");
        assertEquals(0, hand.exit(), hand.toString());
        Cli.Result job = cli.run("run", "vault", "--config", config.toString());
        assertEquals(0, job.exit(), job.toString());
        // Each snapshot gets a fresh salt, so its bytes (and the key check's salt) differ run to run.
        JsonNode handManifest = comparable(manifest(byHand));
        ((ObjectNode) handManifest.get("facts").get("properties")).remove("key_check");
        ((ObjectNode) handManifest.get("seal")).remove("plain_sha256");
        JsonNode jobManifest = comparable(manifest(byJob));
        ((ObjectNode) jobManifest.get("facts").get("properties")).remove("key_check");
        ((ObjectNode) jobManifest.get("seal")).remove("plain_sha256");
        assertEquals(handManifest, jobManifest);
        assertEquals("sqlcipher", manifest(byJob).get("encrypted_with").asText());

        dev.lifeboat.testing.SqlcipherShell.query(db, keyed, "INSERT INTO notes VALUES ('after');");
        Cli.Result restoreHand = cli.run("restore", "latest", "--repo", byHand.toString(), "--to", spec, "--yes");
        assertEquals(0, restoreHand.exit(), restoreHand.toString());
        assertEquals("3", dev.lifeboat.testing.SqlcipherShell.query(db, keyed + " PRAGMA cipher_compatibility = 3;",
                "SELECT count(*) FROM notes;"));
        dev.lifeboat.testing.SqlcipherShell.query(db, keyed + " PRAGMA cipher_compatibility = 3;",
                "INSERT INTO notes VALUES ('after');");
        Cli.Result restoreJob = cli.run("restore", "latest", "--job", "vault", "--config", config.toString(), "--yes");
        assertEquals(0, restoreJob.exit(), restoreJob.toString());
        assertEquals("3", dev.lifeboat.testing.SqlcipherShell.query(db, keyed + " PRAGMA cipher_compatibility = 3;",
                "SELECT count(*) FROM notes;"));
        assertEquals(preRestore(byHand).get("encrypted_with"), preRestore(byJob).get("encrypted_with"));
        assertEquals(preRestore(byHand).get("facts").get("table_rows"), preRestore(byJob).get("facts").get("table_rows"),
                "each safety backup holds the content the restore replaced");
    }

    /**
     * PostgreSQL with a schema scope (a tenant of a multi-tenant database): the job's
     * {@code source-options} and the command line's {@code --schema} make the same backup, and a
     * scope the database does not have is refused alike, with the same exit code.
     */
    @Test
    void aPostgresSchemaScopeMakesTheSameBackupAndTheSameRefusalOnBothPaths() throws Exception {
        try (PgTestServer server = new PgTestServer()) {
            String database = server.createTenantDatabase("lbt_onepath");
            String url = PgTestServer.url("postgres", database);
            Path byHand = dir.resolve("by-hand");
            Path byJob = dir.resolve("by-job");
            Path config = write("""
                    jobs:
                      tenant:
                        source: %s
                        source-options: { schema: [ tenant_42 ] }
                        repositories: [ %s ]
                        encryption: none
                      missing:
                        source: %s
                        source-options: { schema: [ tenant_0 ] }
                        repositories: [ %s ]
                        encryption: none
                    """.formatted(url, byJob, url, byJob));
            Cli cli = new Cli(dir.resolve("scratch"));
            Cli.Result hand = cli.run("backup", url, "--schema", "tenant_42", "--repo", byHand.toString(), "--name",
                    "tenant", "--no-encrypt");
            assertEquals(0, hand.exit(), hand.toString());
            Cli.Result job = cli.run("run", "tenant", "--config", config.toString());
            assertEquals(0, job.exit(), job.toString());
            JsonNode handManifest = comparable(manifest(byHand));
            JsonNode jobManifest = comparable(manifest(byJob));
            // pg_dump's custom format stamps its own time into the dump, so the bytes differ run to run.
            List.of("plain_sha256", "stored_size").forEach(((ObjectNode) handManifest.get("seal"))::remove);
            List.of("plain_sha256", "stored_size").forEach(((ObjectNode) jobManifest.get("seal"))::remove);
            assertEquals(handManifest, jobManifest);
            assertEquals("{\"tenant_42.orders\":42}", manifest(byJob).get("facts").get("table_rows").toString());

            Cli.Result handRefused = cli.run("backup", url, "--schema", "tenant_0", "--repo", byHand.toString(),
                    "--name", "missing", "--no-encrypt");
            Cli.Result jobRefused = cli.run("run", "missing", "--config", config.toString());
            assertTrue(handRefused.exit() != 0, handRefused.toString());
            assertEquals(handRefused.exit(), jobRefused.exit(), jobRefused.toString());
            String cause = lastLine(handRefused.err()).replaceFirst("^lifeboat: ", "");
            assertTrue(cause.contains("has no schema tenant_0"), cause);
            assertEquals("lifeboat: backup of missing failed: " + cause, lastLine(jobRefused.err()),
                    "the same refusal on both paths, the job's line naming the job");

            List<String> statuses = new java.util.ArrayList<>();
            for (JsonNode run : JSON.readTree(cli.run("history", "--json").out()).path("runs")) {
                if ("backup".equals(run.path("kind").asText())) {
                    statuses.add(run.path("name").asText() + " " + run.path("status").asText());
                }
            }
            assertEquals(List.of("missing FAILED", "missing FAILED", "tenant COMPLETED", "tenant COMPLETED"),
                    statuses, "each path records the same runs, newest first");
        }
    }

    /**
     * An age passphrase (scrypt): {@code --passphrase-env} and the job's {@code passphrase: ${VAR}}
     * make the same backup and the same catalog records, and a wrong passphrase is refused alike.
     */
    @Test
    void anAgePassphraseJobAndTheCommandLineMakeTheSameBackupAndTheSameRefusal() throws Exception {
        Path db = dir.resolve("shop.db");
        Path byHand = dir.resolve("by-hand");
        Path byJob = dir.resolve("by-job");
        Path config = write("jobs:\n  shop:\n    source: " + db + "\n    repositories: [ " + byJob + " ]\n"
                + "    encryption: { passphrase: \"${SHOP_PASSPHRASE}\" }\n", "good.yaml");
        Path wrongConfig = write("jobs:\n  shop:\n    source: " + db + "\n    repositories: [ " + byJob + " ]\n"
                + "    encryption: { passphrase: \"${OTHER_PASSPHRASE}\" }\n", "wrong.yaml");
        Cli cli = new Cli(dir.resolve("scratch")).env("SHOP_PASSPHRASE", "correct horse battery")
                .env("OTHER_PASSPHRASE", "not the passphrase");
        try (Connection app = TestDatabases.walWithUncheckpointedRows(db, 60)) {
            Cli.Result hand = cli.run("backup", db.toString(), "--repo", byHand.toString(), "--name", "shop",
                    "--passphrase-env", "SHOP_PASSPHRASE");
            Cli.Result job = cli.run("run", "shop", "--config", config.toString());
            assertEquals(0, hand.exit(), hand.toString());
            assertEquals(hand.exit(), job.exit(), job.toString());
        }
        assertEquals(comparable(manifest(byHand)), comparable(manifest(byJob)));
        assertEquals("[\"scrypt\"]", manifest(byJob).get("encryption").get("recipients").toString());
        assertEquals(pin(byHand), pin(byJob), "both repositories are pinned to a passphrase");
        assertEquals(List.of("backup shop COMPLETED", "backup shop COMPLETED"), runs(cli, "backup"),
                "each path records the same run");

        Cli.Result hand = cli.run("verify", "latest", "--repo", byHand.toString(), "--name", "shop",
                "--passphrase-env", "OTHER_PASSPHRASE");
        Cli.Result job = cli.run("run", "shop", "--config", wrongConfig.toString(), "--verify");
        assertEquals(ExitCode.KEY.code(), hand.exit(), hand.toString());
        assertEquals(hand.exit(), job.exit(), job.toString());
        String cause = lastLine(hand.err()).replaceFirst("^lifeboat: ", "");
        assertTrue(cause.contains("the passphrase does not open this backup"), cause);
        assertEquals("lifeboat: verify of shop failed: " + byJob + ": " + cause.replace(byHand.toString(),
                byJob.toString()), lastLine(job.err()), "the same refusal, the job's line naming the job");
        assertEquals(List.of("verify shop FAILED", "verify shop FAILED"), runs(cli, "verify"));
        assertEquals(0, cli.run("run", "shop", "--config", config.toString(), "--verify").exit(),
                "the job reads with its passphrase");
    }

    /** The catalog's runs of one kind, newest first, as "kind name status". */
    private static List<String> runs(Cli cli, String kind) throws Exception {
        Cli.Result history = cli.run("history", "--json");
        assertEquals(0, history.exit(), history.toString());
        JsonNode document = JSON.readTree(history.out());
        assertEquals("lifeboat/history/v1", document.path("schema").asText(), history.out());
        List<String> found = new java.util.ArrayList<>();
        for (JsonNode run : document.get("runs")) {
            if (kind.equals(run.path("kind").asText())) {
                found.add(kind + " " + run.path("name").asText() + " " + run.path("status").asText());
            }
        }
        return found;
    }

    /**
     * PostgreSQL verify and restore: {@code verify} and {@code run --verify} store the same
     * verification record, {@code restore --repo} and {@code restore --job} leave the same tables,
     * and replacing an existing database without {@code --yes} is refused alike.
     */
    @Test
    void aPostgresBackupVerifiesAndRestoresAlikeOnBothPaths() throws Exception {
        try (PgTestServer server = new PgTestServer()) {
            String database = server.createTenantDatabase("lbt_parity");
            String url = PgTestServer.url("postgres", database);
            Path repo = dir.resolve("repo");
            Path config = write("jobs:\n  tenants:\n    source: " + url + "\n    repositories: [ " + repo + " ]\n"
                    + "    encryption: none\n");
            Cli cli = new Cli(dir.resolve("scratch"));
            Cli.Result backup = cli.run("run", "tenants", "--config", config.toString());
            assertEquals(0, backup.exit(), backup.toString());
            String id = onlyBackup(repo);

            Cli.Result verifyHand = cli.run("verify", "latest", "--repo", repo.toString(), "--name", "tenants");
            Cli.Result verifyJob = cli.run("run", "tenants", "--config", config.toString(), "--verify");
            assertEquals(0, verifyHand.exit(), verifyHand.toString());
            assertEquals(verifyHand.exit(), verifyJob.exit(), verifyJob.toString());
            List<JsonNode> records = verificationRecords(repo, id);
            assertEquals(2, records.size(), records.toString());
            assertEquals(records.get(0), records.get(1), "the same checks, verdict and backup on both paths");
            assertTrue(records.get(0).path("passed").asBoolean(), records.toString());
            assertEquals(List.of("verify tenants COMPLETED", "verify tenants COMPLETED"), runs(cli, "verify"));

            String byHand = server.adopt(PgTestServer.unique("lbt_parity_hand"));
            String byJob = server.adopt(PgTestServer.unique("lbt_parity_job"));
            Cli.Result restoreHand = cli.run("restore", "latest", "--repo", repo.toString(), "--name", "tenants",
                    "--to", PgTestServer.url("postgres", byHand));
            Cli.Result restoreJob = cli.run("restore", "latest", "--job", "tenants", "--config", config.toString(),
                    "--to", PgTestServer.url("postgres", byJob));
            assertEquals(0, restoreHand.exit(), restoreHand.toString());
            assertEquals(restoreHand.exit(), restoreJob.exit(), restoreJob.toString());
            var source = PgTestServer.tableDigests(database);
            assertEquals(2, source.size(), source.toString());
            assertEquals(source, PgTestServer.tableDigests(byHand));
            assertEquals(source, PgTestServer.tableDigests(byJob));

            PgTestServer.execute(byHand, "INSERT INTO tenant_7.orders VALUES (99)");
            var before = PgTestServer.tableDigests(byHand);
            String existing = PgTestServer.url("postgres", byHand);
            Cli.Result refusedHand = cli.run("restore", "latest", "--repo", repo.toString(), "--name", "tenants",
                    "--to", existing);
            Cli.Result refusedJob = cli.run("restore", "latest", "--job", "tenants", "--config", config.toString(),
                    "--to", existing);
            Cli.assertOneLineFailure(refusedHand, ExitCode.NOT_CONFIRMED, "exists and there is no terminal",
                    "pass --yes");
            assertEquals(refusedHand.exit(), refusedJob.exit(), refusedJob.toString());
            assertEquals(lastLine(refusedHand.err()), lastLine(refusedJob.err()), "the same refusal on both paths");
            assertEquals(before, PgTestServer.tableDigests(byHand), "the target is unchanged");
            assertEquals(List.of(byHand), PgTestServer.databasesLike(byHand),
                    "no staged database is left behind");
            String missing = "20200101T000000Z-000000";
            Cli.Result noSuchHand = cli.run("restore", missing, "--repo", repo.toString(), "--to", existing, "--yes");
            Cli.Result noSuchJob = cli.run("restore", missing, "--job", "tenants", "--config", config.toString(),
                    "--to", existing, "--yes");
            Cli.assertOneLineFailure(noSuchHand, ExitCode.NOT_FOUND, "no backup " + missing + " in " + repo);
            assertEquals(noSuchHand.exit(), noSuchJob.exit(), noSuchJob.toString());
            assertEquals(lastLine(noSuchHand.err()), lastLine(noSuchJob.err()), "a missing backup is refused alike");
            assertEquals(before, PgTestServer.tableDigests(byHand), "the target is unchanged");
            List<String> restores = runs(cli, "restore");
            assertEquals(List.of("restore tenants FAILED", "restore tenants FAILED", "restore tenants COMPLETED",
                    "restore tenants COMPLETED"), restores.subList(restores.size() - 4, restores.size()),
                    "each path records the same runs");
        }
    }

    /**
     * The verification records stored next to one backup, without what differs run to run: the
     * time each was made and the name of the scratch database a PostgreSQL verification used.
     */
    private static List<JsonNode> verificationRecords(Path repo, String id) throws Exception {
        try (Stream<Path> files = Files.list(repo.resolve("backups").resolve(id))) {
            List<JsonNode> records = new java.util.ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("verify-")).sorted().toList()) {
                ObjectNode record = (ObjectNode) JSON.readTree(file.toFile());
                record.remove("verified_at");
                var checks = record.putArray("checks");
                JSON.readTree(file.toFile()).get("checks").forEach(check -> checks.add(
                        check.asText().replaceAll("_verify_\\d{8}_\\d{6}_[0-9a-f]+", "_verify_SCRATCH")));
                records.add(record);
            }
            return records;
        }
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().toList();
        return lines.get(lines.size() - 1);
    }

    /** A job run logs its run as a JSON line first; the failure is the last line, as on the command line. */
    private static void assertRefusedAfterItsLogLine(Cli.Result result, String refusal) {
        assertEquals(ExitCode.USAGE.code(), result.exit(), result.toString());
        List<String> lines = result.err().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("lifeboat: ") && last.contains(refusal), result.toString());
        assertTrue(lines.subList(0, lines.size() - 1).stream().allMatch(l -> l.startsWith("{")), result.toString());
    }

    private Path write(String yaml) throws Exception {
        return write(yaml, "lifeboat.yaml");
    }

    private Path write(String yaml, String name) throws Exception {
        return Files.writeString(dir.resolve(name), yaml);
    }

    /** A manifest without what differs between two runs of the same backup: id, times, host, stored bytes. */
    private static JsonNode comparable(JsonNode manifest) {
        ObjectNode copy = manifest.deepCopy();
        List.of("id", "started_at", "finished_at", "duration_millis", "host").forEach(copy::remove);
        ((ObjectNode) copy.get("seal")).remove("stored_sha256");
        return copy;
    }

    private static JsonNode manifest(Path repo) throws Exception {
        return JSON.readTree(repo.resolve("backups").resolve(onlyBackup(repo)).resolve("manifest.json").toFile());
    }

    private static String onlyBackup(Path repo) throws Exception {
        try (Stream<Path> backups = Files.list(repo.resolve("backups"))) {
            return backups.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    /** The manifest of the one pre-restore safety backup in a repository. */
    private static JsonNode preRestore(Path repo) throws Exception {
        try (Stream<Path> backups = Files.list(repo.resolve("backups"))) {
            List<JsonNode> safety = new java.util.ArrayList<>();
            for (Path backup : backups.toList()) {
                JsonNode manifest = JSON.readTree(backup.resolve("manifest.json").toFile());
                if ("pre-restore".equals(manifest.get("purpose").asText())) {
                    safety.add(manifest);
                }
            }
            assertEquals(1, safety.size(), safety.toString());
            return safety.get(0);
        }
    }

    private static long backupCount(Path repo) throws Exception {
        try (Stream<Path> backups = Files.list(repo.resolve("backups"))) {
            return backups.count();
        }
    }

    private static String objectName(Path repo) throws Exception {
        return objectName(repo, onlyBackup(repo));
    }

    private static String objectName(Path repo, String id) throws Exception {
        try (Stream<Path> files = Files.list(repo.resolve("backups").resolve(id))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("snapshot.")).findFirst()
                    .orElseThrow();
        }
    }

    private static JsonNode pin(Path repo) throws Exception {
        return JSON.readTree(repo.resolve("lifeboat-repository.json").toFile()).get("pinned_encryption");
    }
}
