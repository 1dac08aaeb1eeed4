package dev.lifeboat.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --physical is an engine option declared once: a flag, a job's source-options key, and what config check explains. */
class PhysicalOptionsTest {
    @TempDir
    Path dir;

    @Test
    void aPhysicalJobShowsThePostgresqlConfLinesItNeeds() throws Exception {
        Path config = dir.resolve("lifeboat.yaml");
        Files.writeString(config, "jobs:\n  cluster:\n    source: postgresql://postgres@127.0.0.1:5432/postgres\n"
                + "    source-options: { physical: true }\n    repositories: [ \"" + dir.resolve("repo") + "\" ]\n"
                + "    encryption: none\n");
        Cli.Result check = new Cli(dir.resolve("scratch")).run("config", "check", "--config", config.toString());
        assertEquals(0, check.exit(), check.toString());
        for (String line : new String[] {"wal_level = replica", "archive_mode = on", "max_wal_senders = 10",
                "archive_command = 'lifeboat wal-push %p --config " + config.toAbsolutePath() + " --job cluster'",
                "restart PostgreSQL"}) {
            assertTrue(check.out().contains(line), check.out());
        }
    }

    @Test
    void physicalRefusesPartsOfADatabaseAndWalCommandsRefuseWhatIsNotWal() {
        Cli cli = new Cli(dir.resolve("scratch"));
        Cli.assertOneLineFailure(cli.run("backup", "postgresql://postgres@127.0.0.1:5432/postgres", "--physical",
                "--schema", "public", "--repo", dir.resolve("repo").toString(), "--no-encrypt"), ExitCode.USAGE,
                "--physical backs up the whole cluster");
        Cli.assertOneLineFailure(cli.run("wal-push", "pg_wal/notwal", "--data-dir", dir.toString(), "--repo",
                dir.resolve("repo").toString(), "--no-encrypt"), ExitCode.USAGE, "pg_control");
        Cli.assertOneLineFailure(cli.run("restore", "latest", "--repo", dir.resolve("repo").toString(),
                "--to-data-dir", dir.resolve("data").toString(), "--target-time", "yesterday"), ExitCode.USAGE,
                "--target-time", "YYYY-MM-DD");
    }
}
