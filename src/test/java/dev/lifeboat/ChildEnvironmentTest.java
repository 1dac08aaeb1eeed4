package dev.lifeboat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.testing.CipherApp;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgTestServer;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the processes Lifeboat starts see of its environment: a real pg_dump (behind a --pg-bin
 * wrapper that writes its environment) and real hooks, with Lifeboat's environment full of secrets.
 */
class ChildEnvironmentTest {
    private static final String DB_PASSWORD = "db-password-4f1e";
    private static final String PASSPHRASE = "age-passphrase-9c2a";
    private static final String SHOP_KEY = "sqlcipher-key-7b3d";
    /** Variables a child may get from Lifeboat's environment; the test sets all of them. */
    private static final Map<String, String> PLAIN = Map.of("PATH", System.getenv("PATH"), "HOME",
            System.getProperty("user.home"), "LANG", "C.UTF-8", "LC_TIME", "C.UTF-8", "TZ", "UTC");
    /** What the shell itself adds to any environment. */
    private static final Set<String> SHELL_ADDS = Set.of("PWD");

    @TempDir
    Path dir;

    /** Lifeboat's environment: the plain variables, secrets of every kind, and unrelated variables. */
    private Cli cli() {
        Cli cli = new Cli(dir.resolve("scratch"));
        PLAIN.forEach(cli::env);
        return cli.env("TMPDIR", dir.toString())
                .env("LB_DB_PASSWORD", DB_PASSWORD)
                .env("PGPASSWORD", DB_PASSWORD)
                .env("LB_AGE_PASSPHRASE", PASSPHRASE)
                .env("LB_SHOP_KEY", SHOP_KEY)
                .env("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY)
                .env("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY)
                .env("LB_UNRELATED", "not-for-children")
                .env("LIFEBOAT_LOCK_TIMEOUT", "7");
    }

    @Test
    void pgDumpSeesOnlyThePlainVariablesAndTheLibpqOnesLifeboatSets() throws Exception {
        try (PgTestServer server = new PgTestServer()) {
            String db = server.createDatabase("lbt_env");
            PgTestServer.execute(db, "CREATE TABLE items (id int PRIMARY KEY)", "INSERT INTO items VALUES (1), (2)");
            Path passfile = Files.writeString(dir.resolve("pgpass"), "");
            Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
            Path log = dir.resolve("children.env");
            Path bin = Files.createDirectories(dir.resolve("pg-bin"));
            for (String tool : List.of("pg_dump", "pg_restore")) {
                String real = Tools.run(List.of("sh", "-c", "command -v " + tool), Map.of(), null).out().trim();
                Path wrapper = Files.writeString(bin.resolve(tool), "#!/bin/sh\n"
                        // One file per run: the probes of pg_dump and pg_restore may run at the same time.
                        + "{ echo \"--- " + tool + " $1\"; /usr/bin/env; } > \"$(mktemp '" + log + ".XXXXXX')\"\n"
                        + "exec '" + real + "' \"$@\"\n");
                Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
            }

            Cli.Result backup = cli().env("PGPASSFILE", passfile.toString()).run("backup", "--passphrase-env",
                    "LB_AGE_PASSPHRASE", PgTestServer.url("postgres", db) + "?password-env=LB_DB_PASSWORD",
                    "--repo", dir.resolve("repo").toString(), "--pg-bin", bin.toString());
            assertEquals(0, backup.exit(), backup.toString());

            List<String> runs = new java.util.ArrayList<>();
            try (java.util.stream.Stream<Path> files = Files.list(log.getParent())) {
                for (Path run : files.filter(f -> f.getFileName().toString().startsWith(log.getFileName() + "."))
                        .toList()) {
                    runs.add(Files.readString(run).substring("--- ".length()));
                }
            }
            assertTrue(runs.stream().anyMatch(r -> r.startsWith("pg_dump --version")), "the probe: " + runs);
            for (String run : runs) {
                assertNoSecretIn(run, PASSPHRASE, SHOP_KEY, S3Server.SECRET_KEY);
            }
            String dump = runs.stream().filter(r -> r.startsWith("pg_dump --format")).findFirst().orElseThrow();
            Set<String> expected = new TreeSet<>(PLAIN.keySet());
            expected.addAll(List.of("TMPDIR", "PGPASSFILE", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGAPPNAME",
                    "PGCONNECT_TIMEOUT", "PGPASSWORD"));
            expected.addAll(SHELL_ADDS);
            assertEquals(expected, names(dump), dump);
            assertTrue(dump.contains("PGPASSWORD=" + DB_PASSWORD + "\n"), "the password pg_dump needs, from"
                    + " password-env, under libpq's name");
            assertTrue(dump.contains("PATH=" + System.getenv("PATH") + "\n") && dump.contains("PGDATABASE=" + db),
                    dump);
            Set<String> probe = new TreeSet<>(PLAIN.keySet());
            probe.add("TMPDIR");
            probe.addAll(SHELL_ADDS);
            for (String run : runs.stream().filter(r -> r.contains(" --version")).toList()) {
                assertEquals(probe, names(run), "a version probe needs no connection settings: " + run);
            }
        }
    }

    @Test
    void hooksSeeThePlainVariablesTheirLifeboatFactsAndWhatTheConfigNamesOnly() throws Exception {
        Path db = dir.resolve("shop.db");
        try (Connection conn = new CipherApp().open(db, SHOP_KEY, Map.of("legacy", "4", "kdf_iter", "1000"))) {
            conn.createStatement().execute("CREATE TABLE t(x)");
            conn.createStatement().execute("INSERT INTO t VALUES (1), (2)");
        }
        AgeCli.Key key = new AgeCli(Files.createDirectories(dir.resolve("keys"))).keygen("ops");
        try (S3Server s3 = new S3Server()) {
            String yaml = """
                    jobs:
                      shop:
                        source: "sqlcipher:%s?key-env=LB_SHOP_KEY&kdf-iter=1000"
                        repositories: [ "%s" ]
                        encryption: { recipients: [ "%s" ], identity: "${LB_AGE_IDENTITY}" }
                        hooks:
                          env: [ LB_FOR_HOOKS, LB_NOT_SET ]
                          before-backup: "/usr/bin/env > %s/before.env"
                          after-backup: "/usr/bin/env > %s/after.env"
                    """.formatted(db, s3.url("shop"), key.publicKey(), dir, dir);
            Path config = Files.writeString(dir.resolve("lifeboat.yaml"), yaml);
            Cli cli = cli().env("LB_AGE_IDENTITY", Files.readString(key.file())).env("LB_FOR_HOOKS", "unix:///run/docker.sock");

            Cli.Result check = cli.run("config", "check", "--config", config.toString());
            assertEquals(0, check.exit(), check.toString());
            assertTrue(check.out().contains("hook env      LB_FOR_HOOKS, LB_NOT_SET"), check.out());
            Cli.Result run = cli.run("run", "shop", "--config", config.toString());
            assertEquals(0, run.exit(), run.toString());

            String before = Files.readString(dir.resolve("before.env"));
            String after = Files.readString(dir.resolve("after.env"));
            Set<String> expected = new TreeSet<>(PLAIN.keySet());
            expected.addAll(List.of("TMPDIR", "LB_FOR_HOOKS", "LIFEBOAT_JOB", "LIFEBOAT_TASK", "LIFEBOAT_TRIGGER",
                    "LIFEBOAT_HOOK", "LIFEBOAT_SOURCE"));
            expected.addAll(SHELL_ADDS);
            assertEquals(expected, names(before), before);
            expected.addAll(List.of("LIFEBOAT_STATUS", "LIFEBOAT_BACKUP_ID", "LIFEBOAT_BACKUP_IDS", "LIFEBOAT_ERROR"));
            assertEquals(expected, names(after), after);
            for (String env : List.of(before, after)) {
                assertNoSecretIn(env, PASSPHRASE, SHOP_KEY, S3Server.SECRET_KEY, DB_PASSWORD, "AGE-SECRET-KEY");
                assertTrue(env.contains("LB_FOR_HOOKS=unix:///run/docker.sock\n") && env.contains("LIFEBOAT_JOB=shop\n")
                        && env.contains("PATH=" + System.getenv("PATH") + "\n"), env);
            }
            assertTrue(before.contains("LIFEBOAT_HOOK=before-backup\n") && after.contains("LIFEBOAT_STATUS=COMPLETED\n"),
                    before + after);
        }
    }

    @Test
    void aConfigCannotHandAHookAVariableThatHoldsASecret() throws Exception {
        Path config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  shop:
                    source: "sqlcipher:/srv/shop.db?key-env=LB_SHOP_KEY"
                    repositories: [ "s3://shop-backups/x?access-key-env=LB_S3_ID&secret-key-env=LB_S3_SECRET" ]
                    encryption: { recipients: [ "age1qqqq" ], identity: "${LB_AGE_IDENTITY}" }
                    hooks:
                      env: [ LB_SHOP_KEY, LB_S3_SECRET, LB_AGE_IDENTITY, AWS_SECRET_ACCESS_KEY, "not a name", LB_OK ]
                      after-backup: "true"
                """);
        Cli cli = cli().env("LB_AGE_IDENTITY", "AGE-SECRET-KEY-1XYZ");
        Cli.Result check = cli.run("config", "check", "--config", config.toString());
        assertEquals(ExitCode.USAGE.code(), check.exit(), check.toString());
        for (String name : List.of("LB_SHOP_KEY", "LB_S3_SECRET", "LB_AGE_IDENTITY", "AWS_SECRET_ACCESS_KEY")) {
            assertTrue(check.err().contains("jobs.shop.hooks.env: " + name + " holds a secret Lifeboat reads"),
                    name + ": " + check);
        }
        assertTrue(check.err().contains("'not a name' is not an environment variable name"), check.toString());
        assertFalse(check.err().contains("LB_OK"), check.toString());
        assertTrue(check.err().contains("has 5 problems"), check.toString());
        Cli.Result run = cli.run("run", "shop", "--config", config.toString());
        assertEquals(ExitCode.USAGE.code(), run.exit(), "run refuses what check refuses: " + run);
        assertTrue(run.err().contains("hooks.env: "), run.toString());
    }

    /** The variable names in {@code env} output (values never hold a newline here). */
    private static Set<String> names(String env) {
        return env.lines().filter(l -> l.matches("[A-Za-z_][A-Za-z0-9_]*=.*")).map(l -> l.substring(0, l.indexOf('=')))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static void assertNoSecretIn(String env, String... secrets) {
        for (String secret : secrets) {
            assertFalse(env.contains(secret), "a secret reached a child: " + env);
        }
        assertFalse(env.contains("not-for-children"), env);
    }
}
