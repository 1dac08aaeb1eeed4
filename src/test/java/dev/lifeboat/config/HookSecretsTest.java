package dev.lifeboat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.StoreType;
import dev.lifeboat.source.Engines;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A hook is never handed a variable Lifeboat reads a secret from, whichever engine or store reads
 * it: the refusal follows what each engine and each registered store declares.
 */
class HookSecretsTest {
    private static final Engines ENGINES = Engines.standard(Duration.ofSeconds(1));

    @Test
    void theVariablesEveryJobsEngineAndStoresDeclareAreRefusedInAnyJobsHooks() {
        String yaml = """
                jobs:
                  pg:
                    source: "postgresql://app@127.0.0.1/shop?password-env=LB_PG"
                    repositories:
                      - "sftp://backup@nas.example//srv/lifeboat/pg"
                      - url: "s3://shop-backups/pg?access-key-env=LB_S3_ID&secret-key-env=LB_S3_SECRET"
                        optional: true
                    encryption: none
                  app:
                    source: "sqlcipher:/srv/app.db?key-env=LB_APP_KEY"
                    repositories: [ /var/backups/app ]
                    encryption: none
                    hooks:
                      env: [ PGPASSWORD, LB_PG, LIFEBOAT_SFTP_KEY_PASSPHRASE, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
                             AWS_ACCESS_KEY_ID,
                             LB_S3_ID, LB_S3_SECRET, LB_APP_KEY, LIFEBOAT_SFTP_KEY_FILE, SSH_AUTH_SOCK,
                             AWS_PROFILE, LB_OK ]
                      after-backup: "true"
                """;
        assertEquals(new TreeSet<>(List.of("PGPASSWORD", "LB_PG", "LIFEBOAT_SFTP_KEY_PASSPHRASE",
                "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "LB_S3_ID", "LB_S3_SECRET",
                "LB_APP_KEY")), refused(yaml),
                "the app job's hooks run in the process that reads the pg job's secrets too; paths (a key file, the"
                        + " agent's socket) and names (an AWS profile) are no secrets");
    }

    @Test
    void withoutAnEngineOrStoreThatReadsThemTheVariablesAreTheHooksOwn() throws Exception {
        String yaml = """
                jobs:
                  app:
                    source: /srv/app.db
                    repositories: [ /var/backups/app, "file:/mnt/usb/app" ]
                    encryption: none
                    hooks:
                      env: [ PGPASSWORD, LIFEBOAT_SFTP_KEY_PASSPHRASE, AWS_SECRET_ACCESS_KEY ]
                      after-backup: "true"
                """;
        assertEquals(3, ConfigReader.parse(yaml, "lifeboat.yaml", Map.of(), ENGINES).jobs().get("app").hooks().env()
                .size());
    }

    @Test
    void everyRegisteredStoreAnswersForAnyUrlOfItsOwnEvenOneItWouldRefuse() {
        for (StoreType type : Repositories.STORES) {
            for (String spec : List.of(type.prefix(), type.prefix() + "x?unknown=1&secret-key-env=", type.form())) {
                Set<String> names = Repositories.secretVariables(spec);
                names.forEach(n -> assertEquals(true, n.matches("[A-Za-z_][A-Za-z0-9_]*"), spec + ": " + n));
            }
        }
        assertEquals(Set.of("LIFEBOAT_SFTP_KEY_PASSPHRASE"), Repositories.secretVariables("sftp://u@h/p"));
        assertEquals(Set.of(), Repositories.secretVariables("/var/backups/app"));
        assertEquals(Set.of("PGPASSWORD"), ENGINES.secretVariables("postgresql://u@h/db?password=x"),
                "a URL the engine refuses still declares the standard variable");
    }

    private static Set<String> refused(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigReader.parse(yaml, "lifeboat.yaml",
                Map.of(), ENGINES));
        Set<String> names = new TreeSet<>();
        for (Problem problem : e.problems()) {
            assertEquals("jobs.app.hooks.env", problem.path(), problem.toString());
            names.add(problem.message().split(" ")[0]);
        }
        return names;
    }
}
