package dev.lifeboat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifeboat config check}: precise errors with line numbers, and the resolved plan with secrets masked. */
class ConfigCheckTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(dir.resolve("scratch"));
    }

    @Test
    void unknownKeysAreRejectedWithLineAndASuggestion() throws Exception {
        Path config = write("""
                jobs:
                  shop:
                    source: /srv/shop.db
                    repositories: [ /var/backups/shop ]
                    encryption: none
                    shedule: "0 2 * * *"
                    hooks:
                      before-restore: "true"
                      after-restor: "true"
                """);
        Cli.Result result = cli.run("config", "check", "--config", config.toString());
        assertEquals(ExitCode.USAGE.code(), result.exit(), result.toString());
        assertTrue(result.err().contains(config + ":6:5: jobs.shop.shedule: unknown key (did you mean 'schedule'?)"),
                result.err());
        assertTrue(result.err().contains(":9:7: jobs.shop.hooks.after-restor: unknown key (did you mean"
                + " 'after-restore'?)"), result.err());
        assertTrue(result.err().contains("has 2 problems (listed above)"), result.err());
    }

    @Test
    void badCronExpressionsAreRejectedWithLine() throws Exception {
        Path config = write("""
                jobs:
                  shop:
                    source: /srv/shop.db
                    repositories: [ /var/backups/shop ]
                    encryption: none
                    schedule: "0 25 * * *"
                    verify: "every sunday"
                """);
        Cli.Result result = cli.run("config", "check", "--config", config.toString());
        assertEquals(ExitCode.USAGE.code(), result.exit(), result.toString());
        assertTrue(result.err().contains(":6:15: jobs.shop.schedule: '0 25 * * *' is not a valid cron expression"),
                result.err());
        assertTrue(result.err().contains(":7:13: jobs.shop.verify: 'every sunday' has 2 fields"), result.err());
    }

    @Test
    void missingEnvironmentVariablesAreNamedWithLine() throws Exception {
        Path config = write("""
                jobs:
                  shop:
                    source: /srv/shop.db
                    repositories: [ /var/backups/shop ]
                    encryption: none
                    notify:
                      webhook: { url: "https://hooks.example.org/${HOOK_TOKEN}" }
                      email: ops@example.org
                smtp:
                  host: smtp.example.org
                  from: lifeboat@example.org
                  username: lifeboat
                  password: ${SMTP_PASSWORD}
                """);
        Cli.Result result = cli.run("config", "check", "--config", config.toString());
        assertEquals(ExitCode.USAGE.code(), result.exit(), result.toString());
        assertTrue(result.err().contains(":7:23: jobs.shop.notify.webhook.url: environment variable HOOK_TOKEN is not"
                + " set"), result.err());
        assertTrue(result.err().contains(":13:13: smtp.password: environment variable SMTP_PASSWORD is not set"),
                result.err());
    }

    @Test
    void literalSecretsSyntaxErrorsAndMissingSectionsAreProblemsToo() throws Exception {
        Path literal = write("""
                jobs:
                  shop:
                    source: postgresql://app:hunter22@db.example.org/shop
                    repositories: [ /var/backups/shop ]
                smtp: { host: smtp.example.org, from: a@example.org, username: u, password: hunter22 }
                """);
        Cli.Result result = cli.run("config", "check", "--config", literal.toString());
        assertEquals(ExitCode.USAGE.code(), result.exit(), result.toString());
        assertTrue(result.err().contains(":3:13: jobs.shop.source: holds a password"), result.err());
        assertTrue(result.err().contains("jobs.shop: 'encryption' is missing"), result.err());
        assertTrue(result.err().contains("smtp.password: is a secret: write it as ${ENV_VAR} or file:"), result.err());
        assertFalse(result.toString().contains("hunter22"), "a secret is never echoed: " + result);

        Path broken = write("jobs:\n  shop: [unclosed\n");
        Cli.Result syntax = cli.run("config", "check", "--config", broken.toString());
        assertEquals(ExitCode.USAGE.code(), syntax.exit());
        assertTrue(syntax.err().contains(broken + ":2:18: not valid YAML"), syntax.err());
    }

    @Test
    void aValidConfigPrintsThePlanWithSecretsMasked() throws Exception {
        Path secretFile = Files.writeString(dir.resolve("smtp-password"), "s3cret-from-file\n");
        Path config = write("""
                timezone: Europe/Berlin
                jobs:
                  shop:
                    source: /srv/shop.db
                    repositories:
                      - path: /var/backups/shop
                        retention: { keep-daily: 30, max-count: 20, max-age: 60d }
                      - url: /mnt/offsite/shop
                        optional: true
                    encryption: none
                    schedule: "0 2 * * *"
                    verify: "30 3 * * 0"
                    hooks: { before-restore: "docker compose stop bot", after-restore: "docker compose start bot" }
                    notify:
                      webhook: { url: "https://hooks.example.org/services/${HOOK_TOKEN}", format: slack }
                      email: ops@example.org
                  shop-gdpr:
                    kind: purge
                    source: /srv/shop.db
                    schedule: "0 4 * * *"
                    backup-first: shop
                    rules:
                      - { table: addresses, column: created_at, older-than: 30d, where: "shipped = 1" }
                smtp:
                  host: smtp.example.org
                  from: lifeboat@example.org
                  username: lifeboat
                  password: file:%s
                server:
                  listen: 127.0.0.1:9810
                """.formatted(secretFile));
        Cli.Result result = cli.env("HOOK_TOKEN", "T000-very-secret-token").run("config", "check", "--config",
                config.toString());
        assertEquals(0, result.exit(), result.toString());
        String out = result.out();
        assertTrue(out.contains("job shop (backup)"), out);
        assertTrue(out.contains("/var/backups/shop; retention keep-daily 30, max-count 20, max-age 60d"), out);
        assertTrue(out.contains("/mnt/offsite/shop (optional); retention none"), out);
        assertTrue(out.contains("0 2 * * * (Europe/Berlin); next "), out);
        assertTrue(out.contains("stale after 2d (default)"), out);
        assertTrue(out.contains("before-restore: docker compose stop bot (timeout 5min)"), out);
        assertTrue(out.contains("webhook https://hooks.example.org/… (slack)"), out);
        assertTrue(out.contains("addresses.created_at older than 30d where shipped = 1"), out);
        assertTrue(out.contains("backup first  job shop"), out);
        assertTrue(out.contains("server 127.0.0.1:9810"), out);
        assertTrue(out.contains("ok: " + config + " is valid"), out);
        assertFalse(out.contains("very-secret") || out.contains("s3cret"), "secrets are masked: " + out);
    }

    @Test
    void recipientsEncryptTheJobsBackupsAndTheIdentityVerifiesThem() throws Exception {
        dev.lifeboat.crypto.AgeCli.Key key = new dev.lifeboat.crypto.AgeCli(
                java.nio.file.Files.createDirectories(dir.resolve("keys"))).keygen("ops");
        dev.lifeboat.testing.TestDatabases.walWithUncheckpointedRows(dir.resolve("shop.db"), 50).close();
        Path config = write("""
                jobs:
                  shop:
                    source: %s
                    repositories: [ %s ]
                    encryption: { recipients: [ "%s" ], identity: "${OPS_IDENTITY}" }
                """.formatted(dir.resolve("shop.db"), dir.resolve("repo"), key.publicKey()));
        Cli keyed = cli.env("OPS_IDENTITY", java.nio.file.Files.readString(key.file()));
        assertEquals(0, keyed.run("config", "check", "--config", config.toString()).exit());
        Cli.Result run = keyed.run("run", "shop", "--config", config.toString());
        assertEquals(0, run.exit(), run.toString());
        Cli.Result list = keyed.run("list", "--repo", dir.resolve("repo").toString(), "--json");
        assertTrue(list.out().contains(key.publicKey()), "the backup is encrypted for the recipient: " + list.out());
        Cli.Result verify = keyed.run("run", "shop", "--verify", "--config", config.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertFalse((run.out() + run.err() + verify.out() + verify.err()).contains("AGE-SECRET-KEY"),
                "the identity never shows");
    }

    @Test
    void aMissingFileOrJobIsOneClearLine() throws Exception {
        Cli.Result missing = cli.run("run", "shop", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(ExitCode.USAGE.code(), missing.exit());
        assertTrue(missing.err().startsWith("lifeboat: " + dir.resolve("nope.yaml") + ": does not exist"),
                missing.err());
        Path config = write("""
                jobs:
                  shop: { source: /srv/shop.db, repositories: [ /tmp/r ], encryption: none }
                """);
        Cli.Result noJob = cli.run("run", "blog", "--config", config.toString());
        assertEquals(ExitCode.NOT_FOUND.code(), noJob.exit());
        assertTrue(noJob.err().contains("no job 'blog' in " + config + "; jobs there: shop"), noJob.err());
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("lifeboat-" + System.nanoTime() + ".yaml"), yaml);
    }
}
