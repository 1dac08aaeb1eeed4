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
                + "    encryption: none\n    wal-max-age: 15min\n");
        Cli.Result check = new Cli(dir.resolve("scratch")).run("config", "check", "--config", config.toString());
        assertEquals(0, check.exit(), check.toString());
        for (String line : new String[] {"wal_level = replica", "archive_mode = on", "max_wal_senders = 10",
                "max_replication_slots = 10", "archive_command = 'lifeboat wal-push %p --config " + config.toAbsolutePath() + " --job cluster'",
                "restart PostgreSQL", "wal alarm", "or no WAL for 15min while the server is up"}) {
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

    @Test
    void anOptionalRepositoryMayMissAFileARequiredOneMayNot() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("pg_wal"));
        Files.write(data.resolve("global").resolve("pg_control"), new byte[] {1, 2, 3, 4, 5, 6, 7, 0});
        Files.writeString(data.resolve("pg_wal").resolve("00000002.history"), "1\t0/3000000\tno recovery target\n");
        Path blocked = dir.resolve("not-a-folder");
        Files.writeString(blocked, "a file where a repository folder would go");
        Cli cli = new Cli(dir.resolve("scratch"));
        String file = data.resolve("pg_wal").resolve("00000002.history").toString();
        Cli.Result optional = cli.run("wal-push", file, "--data-dir", data.toString(), "--repo",
                dir.resolve("repo").toString(), "--repo", blocked.resolve("repo") + "#optional", "--no-encrypt");
        assertEquals(0, optional.exit(), optional.toString());
        assertTrue(optional.err().contains("optional repository " + blocked.resolve("repo")), optional.err());
        assertTrue(Files.exists(dir.resolve("repo").resolve("wal").resolve("1976943448883713")
                .resolve("00000002.history.json")));

        Cli.Result required = cli.run("wal-push", file, "--data-dir", data.toString(), "--repo",
                dir.resolve("repo").toString(), "--repo", blocked.resolve("repo").toString(), "--no-encrypt");
        assertTrue(required.exit() != 0, required.toString());
        assertEquals(1, required.err().lines().count(), required.err());
    }
}
