package dev.lifeboat.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.crypto.GpgCli;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgTestServer;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "restore by hand" blocks, run exactly as written against real backups. */
class HandRestoreDocsTest {
    private static final Map<String, Long> COUNTS = Map.of("customers", 300L, "orders", 100L);

    @TempDir
    Path dir;
    Path db;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        db = dir.resolve("app.db");
        cli = new Cli(dir.resolve("scratch"));
        TestDatabases.walWithUncheckpointedRows(db, 300).close();
    }

    /** The shell block after {@code <!-- hand-restore:NAME -->} in the README. */
    static String block(String name) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("<!-- hand-restore:" + name + " -->\\s*```sh\\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        assertTrue(m.find(), "README has a hand-restore block named " + name);
        return m.group(1);
    }

    private Path backup(Path repo, String source, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("backup", source, "--repo", repo.toString(), "--json"));
        args.addAll(List.of(options));
        Cli.Result result = cli.run(args.toArray(String[]::new));
        assertEquals(0, result.exit(), result.toString());
        Manifest m = result.manifest();
        return repo.resolve("backups").resolve(m.id()).resolve(m.object());
    }

    private Path runBlock(String name, Map<String, String> env) throws Exception {
        Path work = Files.createDirectories(dir.resolve("by-hand-" + name));
        Map<String, String> all = new HashMap<>(env);
        Tools.Output out = Tools.run(List.of("bash", "-euo", "pipefail", "-c", "cd '" + work + "'\n" + block(name)),
                all, null);
        assertEquals(0, out.exit(), name + " block failed: " + out.err());
        return work;
    }

    @Test
    void plainAgeAndOpenPgpBlocksGiveBackEveryRow() throws Exception {
        Path plain = backup(dir.resolve("plain"), db.toString(), "--no-encrypt");
        Path work = runBlock("plain", Map.of("OBJECT", plain.toString()));
        assertEquals(COUNTS, TestDatabases.counts(work.resolve("app.db")));

        AgeCli.Key key = new AgeCli(Files.createDirectories(dir.resolve("keys"))).keygen("ops");
        Path aged = backup(dir.resolve("age"), db.toString(), "--recipient", key.publicKey());
        work = runBlock("age", Map.of("OBJECT", aged.toString(), "KEY", key.file().toString()));
        assertEquals(COUNTS, TestDatabases.counts(work.resolve("app.db")));

        try (GpgCli gpg = new GpgCli(Files.createDirectories(dir.resolve("gpg")))) {
            String fingerprint = gpg.generate(GpgCli.Kind.CURVE25519, "ops@example.org", null);
            Path publicKey = dir.resolve("ops.asc");
            Files.write(publicKey, gpg.exportPublic(fingerprint, true));
            Path sealed = backup(dir.resolve("pgp"), db.toString(), "--pgp-public-key", publicKey.toString());
            work = runBlock("openpgp", Map.of("OBJECT", sealed.toString(), "GNUPGHOME", gpg.home().toString()));
            assertEquals(COUNTS, TestDatabases.counts(work.resolve("app.db")));
        }
    }

    @Test
    void postgresqlBlockRestoresIntoANewDatabase() throws Exception {
        try (PgTestServer server = new PgTestServer()) {
            String source = server.createDatabase("lbt_docs");
            PgTestServer.execute(source, "CREATE TABLE items(id int PRIMARY KEY, note text)",
                    "INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 1234) g");
            AgeCli.Key key = new AgeCli(Files.createDirectories(dir.resolve("keys"))).keygen("ops");
            Path object = backup(dir.resolve("pg"), PgTestServer.url("postgres", source), "--recipient",
                    key.publicKey());
            String restored = server.adopt(source + "_by_hand");
            runBlock("postgresql", Map.of("OBJECT", object.toString(), "KEY", key.file().toString(),
                    "DATABASE", restored));
            assertEquals(1234, PgTestServer.count(restored, "items"));
        }
    }
}
