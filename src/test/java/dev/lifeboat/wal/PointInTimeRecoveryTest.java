package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.WalNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgCluster;
import dev.lifeboat.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Point-in-time recovery end to end on one throwaway cluster: base backups through pg_basebackup,
 * WAL archived by the jar under test as archive_command, restores to a time, a restore point and
 * the end of the WAL into new data directories, started and compared table by table.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PointInTimeRecoveryTest {
    private static PgCluster cluster;
    private static Cli cli;
    private static Manifest base;

    @BeforeAll
    static void start() throws Exception {
        cluster = PgCluster.start();
        cli = new Cli(cluster.root().resolve("scratch"));
        cluster.execute("CREATE TABLE orders (id int PRIMARY KEY, item text)",
                "INSERT INTO orders SELECT g, 'item ' || g FROM generate_series(1, 2000) g");
        base = dev.lifeboat.testing.Cli.manifestIn(cluster.baseBackup());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aBaseBackupRecordsTheClusterAndItsWalOpensWithStockAge() throws Exception {
        Map<String, String> facts = base.facts().properties();
        assertEquals("postgresql-physical", base.source().kind());
        assertEquals(PgCluster.query(cluster.port(), "SELECT system_identifier::text FROM pg_control_system()"),
                facts.get("system_identifier"));
        assertEquals("1", facts.get("timeline"));
        assertEquals("on", facts.get("data_checksums"));
        assertTrue(facts.get("backup_label").contains("START WAL LOCATION: " + facts.get("start_lsn")), facts.toString());
        assertEquals(WalNames.segmentOf(1, WalNames.parseLsn(facts.get("start_lsn")).orElseThrow(), 1 << 20),
                facts.get("start_wal"));
        assertEquals("age", base.encryption().scheme());
        assertEquals("0", PgCluster.query(cluster.port(), "SELECT count(*)::text FROM pg_replication_slots"),
                "the backup's temporary slot went with it");
        // The base backup holds the WAL from its start to its stop: it becomes consistent without the archive.
        Path stored = cluster.repo().resolve("backups").resolve(base.id()).resolve(base.object());
        String listing = Tools.ok("sh", "-c", "age -d -i " + cluster.identityFile() + " " + stored
                + " | zstd -dq | tar -t");
        assertTrue(listing.contains("pg_wal/" + facts.get("start_wal") + "\n")
                && listing.contains("pg_wal/" + facts.get("stop_wal") + "\n"), listing);
        // The archiving side holds the public key only.
        String conf = Files.readString(cluster.data().resolve("postgresql.conf"));
        assertTrue(conf.contains(cluster.recipient()) && !conf.contains("AGE-SECRET-KEY"));

        Path walDir = cluster.repo().resolve("wal").resolve(facts.get("system_identifier"));
        List<Path> objects;
        try (var files = Files.list(walDir)) {
            objects = files.filter(p -> p.toString().endsWith(".wal.zst.age")).sorted().toList();
        }
        assertTrue(objects.stream().anyMatch(p -> p.getFileName().toString().startsWith(facts.get("stop_wal"))));
        Path segment = null;
        for (Path object : objects) {
            String name = object.getFileName().toString().replace(".wal.zst.age", "");
            Path plain = cluster.root().resolve(name);
            Tools.ok("sh", "-c", "age -d -i " + cluster.identityFile() + " " + object + " | zstd -dq > " + plain);
            if (WalNames.isSegment(name)) {
                assertEquals(1 << 20, Files.size(plain), name);
                assertEquals(facts.get("system_identifier"), ClusterFiles.systemIdOfSegment(plain).orElseThrow());
                segment = plain;
            }
        }
        // Pushing the same segment again succeeds; other bytes under its name are refused loudly.
        Cli.Result again = cli.run("wal-push", segment.toString(), "--data-dir", cluster.data().toString(),
                "--repo", cluster.repo().toString(), "--recipient", cluster.recipient());
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.err().contains("already in"), again.err());
        byte[] bytes = Files.readAllBytes(segment);
        bytes[5000] ^= 1;
        Files.write(segment, bytes);
        Cli.assertOneLineFailure(cli.run("wal-push", segment.toString(), "--data-dir", cluster.data().toString(),
                "--repo", cluster.repo().toString(), "--recipient", cluster.recipient()), ExitCode.INTEGRITY,
                "already in", "different content", "its own repository");
    }

    @Test
    @Order(2)
    void restoresToATimeARestorePointAndTheEndOfTheWal() throws Exception {
        cluster.execute("INSERT INTO orders SELECT g, 'item ' || g FROM generate_series(2001, 3000) g");
        Thread.sleep(1100);
        String t1 = PgCluster.query(cluster.port(), "SELECT clock_timestamp()::text");
        String atT1 = PgCluster.tableChecksum(cluster.port(), "orders");
        Thread.sleep(1100);
        cluster.execute("INSERT INTO orders SELECT g, 'item ' || g FROM generate_series(3001, 4000) g",
                "SELECT pg_create_restore_point('before_delete')");
        String atPoint = PgCluster.tableChecksum(cluster.port(), "orders");
        cluster.execute("DELETE FROM orders WHERE id % 2 = 0");
        String atEnd = PgCluster.tableChecksum(cluster.port(), "orders");
        cluster.archiveNow();
        assertNotEquals(atT1, atPoint);

        assertEquals(atT1, restoreAndChecksum("at-time", "--target-time", t1));
        assertEquals(atPoint, restoreAndChecksum("at-point", "--target-name", "before_delete"));
        Path atEndDir = cluster.root().resolve("at-end");
        assertEquals(atEnd, restoreAndChecksum("at-end", "--start-command", "runuser -u postgres -- "
                + PgCluster.BIN.resolve("pg_ctl") + " -D " + atEndDir + " -l " + atEndDir.resolveSibling("at-end.log")
                + " -W start"));
    }

    @Test
    @Order(3)
    void aDamagedOrMissingSegmentIsNamedAndStopsARestoreBeforeItChangesAnything() throws Exception {
        for (int i = 0; i < 3; i++) {
            cluster.execute("INSERT INTO orders SELECT g, 'more' FROM generate_series(" + (10000 + i * 100) + ", "
                    + (10099 + i * 100) + ") g");
            cluster.archiveNow();
        }
        Path copy = cluster.root().resolve("repo-copy");
        Tools.ok("cp", "-a", cluster.repo().toString(), copy.toString());
        String systemId = base.facts().properties().get("system_identifier");
        Path walDir = copy.resolve("wal").resolve(systemId);
        List<String> later = new ArrayList<>();
        try (var files = Files.list(walDir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".wal.zst.age"))
                    .map(n -> n.replace(".wal.zst.age", ""))
                    .filter(n -> WalNames.isSegment(n) && n.startsWith("00000001")
                            && n.compareTo(base.facts().properties().get("stop_wal")) > 0)
                    .sorted().forEach(later::add);
        }
        assertTrue(later.size() >= 3, later.toString());
        String damaged = later.get(0);
        Path object = walDir.resolve(damaged + ".wal.zst.age");
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(object, bytes);

        Cli.Result check = cli.run("wal", "check", "--repo", copy.toString());
        assertEquals(ExitCode.INTEGRITY.code(), check.exit(), check.toString());
        assertTrue(check.out().contains("damaged WAL file " + damaged), check.out());

        Path target = cluster.root().resolve("old-data");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "the old contents");
        Cli.assertOneLineFailure(cli.run("restore", "latest", "--repo", copy.toString(), "--to-data-dir",
                target.toString(), "--identity-file", cluster.identityFile().toString(), "--lifeboat-command",
                cluster.launcher().toString()), ExitCode.INTEGRITY, damaged, "nothing was changed");
        assertEquals("the old contents", Files.readString(target.resolve("keep.txt")));
        try (var files = Files.list(cluster.root())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("old-data.pre-restore")));
        }

        String missing = later.get(1);
        Files.delete(walDir.resolve(missing + ".json"));
        Files.delete(walDir.resolve(missing + ".wal.zst.age"));
        check = cli.run("wal", "check", "--repo", copy.toString());
        assertTrue(check.out().contains("missing WAL segment " + missing), check.out());
        assertTrue(check.out().contains("damaged WAL file " + damaged), check.out());
    }

    @Test
    @Order(4)
    void aRestoredClusterArchivesOnItsNewTimelineAndRestoresAlongIt() throws Exception {
        Path first = cluster.root().resolve("new-timeline");
        int port = restore(first);
        String timeline = PgCluster.query(port, "SELECT timeline_id::text FROM pg_control_checkpoint()");
        assertNotEquals("1", timeline);
        try (var conn = PgCluster.connect(port); var st = conn.createStatement()) {
            st.execute("CREATE TABLE after_switch AS SELECT g AS id FROM generate_series(1, 500) g");
            st.execute("SELECT pg_switch_wal()");
        }
        String expected = PgCluster.tableChecksum(port, "after_switch");
        waitArchived(port);
        cluster.stopServer(first);

        Path second = cluster.root().resolve("second-restore");
        int secondPort = restore(second, "--target-timeline", "latest");
        assertEquals(expected, PgCluster.tableChecksum(secondPort, "after_switch"));
        cluster.stopServer(second);
        Cli.Result check = cli.run("wal", "check", "--repo", cluster.repo().toString());
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("timeline " + Integer.parseInt(timeline, 10) + ":"), check.out());
        assertTrue(check.out().contains("restorable: any time from"), check.out());
    }

    @Test
    @Order(5)
    void verificationStartsTheBackupAndNamesAFileWithABadPage() throws Exception {
        Cli.Result good = cli.run("verify", base.id(), "--repo", cluster.repo().toString(), "--identity-file",
                cluster.identityFile().toString());
        assertEquals(0, good.exit(), good.toString());
        for (String check : List.of("pg_verifybackup", "started", "amcheck", "read in full", "pg_checksums")) {
            assertTrue(good.out().contains(check), good.out());
        }

        String file = PgCluster.query(cluster.port(), "SELECT pg_relation_filepath('orders')");
        Path copy = cluster.root().resolve("repo-bad");
        Tools.ok("cp", "-a", cluster.repo().toString(), copy.toString());
        Path backupDir = copy.resolve("backups").resolve(base.id());
        Path object = backupDir.resolve(base.object());
        Path tar = cluster.root().resolve("base.tar");
        Tools.ok("sh", "-c", "age -d -i " + cluster.identityFile() + " " + object + " | zstd -dq > " + tar);
        String block = Tools.ok("sh", "-c", "tar -R -tf " + tar + " | grep ' " + file + "$'").strip();
        long offset = (Long.parseLong(block.replaceAll("^block (\\d+):.*", "$1")) + 1) * 512 + 7000;
        try (var channel = java.nio.channels.FileChannel.open(tar, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
            channel.write(one, offset);
        }
        Tools.ok("sh", "-c", "zstd -q -3 -c " + tar + " | age -r " + cluster.recipient() + " > " + object);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(backupDir.resolve("manifest.json").toFile());
        var seal = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("seal");
        seal.put("plain_size", Files.size(tar)).put("plain_sha256", sha256(tar))
                .put("stored_size", Files.size(object)).put("stored_sha256", sha256(object));
        Files.writeString(backupDir.resolve("manifest.json"), tree.toPrettyString());

        Cli.assertOneLineFailure(cli.run("verify", base.id(), "--repo", copy.toString(), "--identity-file",
                cluster.identityFile().toString()), ExitCode.INTEGRITY, file);
    }

    private static String sha256(Path file) throws Exception {
        var digest = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            in.transferTo(new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(), digest));
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    @Test
    @Order(6)
    void thePreflightRefusesWhatABaseBackupCannotCoverWithTheFix() throws Exception {
        Path repo = cluster.root().resolve("preflight-repo");
        Path location = cluster.root().resolve("tablespace");
        Files.createDirectories(location);
        Tools.ok("chown", "postgres:", location.toString());
        cluster.execute("CREATE TABLESPACE elsewhere LOCATION '" + location + "'",
                "CREATE ROLE nobackup LOGIN");
        try {
            Cli.assertOneLineFailure(cli.run("backup", cluster.url(), "--physical", "--repo", repo.toString(),
                    "--recipient", cluster.recipient()), ExitCode.SOURCE, "tablespaces outside", "elsewhere");
            cluster.execute("DROP TABLESPACE elsewhere");
            Cli.assertOneLineFailure(cli.run("backup", cluster.url().replace("postgres@", "nobackup@"), "--physical",
                    "--repo", repo.toString(), "--recipient", cluster.recipient()), ExitCode.SOURCE,
                    "ALTER ROLE \"nobackup\" REPLICATION");
        } finally {
            cluster.execute("DROP TABLESPACE IF EXISTS elsewhere", "DROP ROLE nobackup");
        }
        cluster.execute("ALTER SYSTEM SET max_replication_slots = 0");
        cluster.stopServer(cluster.data());
        cluster.startServer(cluster.data());
        try {
            Cli.assertOneLineFailure(cli.run("backup", cluster.url(), "--physical", "--repo", repo.toString(),
                    "--recipient", cluster.recipient()), ExitCode.SOURCE, "max_replication_slots is 0",
                    "max_replication_slots = 10");
        } finally {
            cluster.execute("ALTER SYSTEM RESET max_replication_slots");
            cluster.stopServer(cluster.data());
            cluster.startServer(cluster.data());
        }
        assertFalse(Files.exists(repo.resolve("backups")), "nothing stored");
    }

    @Test
    @Order(7)
    void theReadmeRestoresByHandWithStockToolsOnly() throws Exception {
        cluster.execute("CREATE TABLE by_hand AS SELECT g AS id FROM generate_series(1, 300) g");
        String expected = PgCluster.tableChecksum(cluster.port(), "by_hand");
        cluster.archiveNow();
        Path data = cluster.root().resolve("by-hand");
        Files.createDirectories(data);
        String systemId = base.facts().properties().get("system_identifier");
        Path object = cluster.repo().resolve("backups").resolve(base.id()).resolve(base.object());
        Tools.ok("sh", "-c", "age -d -i " + cluster.identityFile() + " " + object + " | zstd -d | tar -x -C " + data);
        Files.write(data.resolve("recovery.signal"), new byte[0]);
        int port = PgCluster.freePort();
        Path wal = cluster.repo().resolve("wal").resolve(systemId);
        Files.writeString(data.resolve("postgresql.auto.conf"), "restore_command = 'f=" + wal + "/%f.wal.zst.age;"
                + " test -f \"$f\" && age -d -i " + cluster.identityFile() + " \"$f\" | zstd -d > %p'\n"
                + "recovery_target_timeline = 'current'\nport = " + port + "\narchive_mode = off\n",
                java.nio.file.StandardOpenOption.APPEND);
        Tools.ok("chmod", "700", data.toString());
        Tools.ok("chown", "-R", "postgres:", data.toString());
        cluster.startServer(data);
        for (int i = 0; i < 600 && Files.exists(data.resolve("recovery.signal")); i++) {
            Thread.sleep(100);
        }
        assertFalse(Files.exists(data.resolve("recovery.signal")), "recovery ended and the cluster was promoted");
        assertEquals(expected, PgCluster.tableChecksum(port, "by_hand"));
        cluster.stopServer(data);
    }

    /**
     * A base backup killed while it runs (here: while PostgreSQL archives slowly, so while the backup
     * waits for its last segment) leaves no replication slot holding WAL and no backup stored.
     */
    @Test
    @Order(8)
    void aKilledBaseBackupLeavesNoSlotHoldingWalAndNothingStored() throws Exception {
        String archiving = PgCluster.query(cluster.port(), "SHOW archive_command");
        cluster.execute("ALTER SYSTEM SET archive_command = 'sleep 3 && " + archiving.replace("'", "''") + "'",
                "SELECT pg_reload_conf()");
        long before;
        try (Repository repository = Repositories.folder(cluster.repo())) {
            before = repository.manifests().size();
        }
        Process backup = new ProcessBuilder("runuser", "-u", "postgres", "--", cluster.launcher().toString(), "backup",
                cluster.url(), "--physical", "--repo", cluster.repo().toString(), "--recipient", cluster.recipient())
                .redirectErrorStream(true).redirectOutput(cluster.root().resolve("killed-backup.log").toFile()).start();
        try {
            String slots = "SELECT count(*)::text FROM pg_replication_slots";
            for (int i = 0; i < 1500 && PgCluster.query(cluster.port(), slots).equals("0"); i++) {
                Thread.sleep(20);
            }
            assertEquals("1", PgCluster.query(cluster.port(), slots), "the backup holds its temporary slot");
            Thread.sleep(1000);
            assertTrue(backup.isAlive(), "still waiting for the slowed archiver");
            backup.descendants().forEach(ProcessHandle::destroyForcibly);
            backup.destroyForcibly().waitFor();
            for (int i = 0; i < 200 && !PgCluster.query(cluster.port(), slots).equals("0"); i++) {
                Thread.sleep(50);
            }
            assertEquals("0", PgCluster.query(cluster.port(), slots), "the slot went with the killed backup");
            try (Repository repository = Repositories.folder(cluster.repo())) {
                assertEquals(before, repository.manifests().size(), "nothing stored");
            }
        } finally {
            cluster.execute("ALTER SYSTEM RESET archive_command", "SELECT pg_reload_conf()");
        }
        cluster.archiveNow();
    }

    @Test
    @Order(10)
    void pruningBaseBackupsKeepsExactlyTheWalTheKeptOnesNeed() throws Exception {
        Manifest second = dev.lifeboat.testing.Cli.manifestIn(cluster.baseBackup());
        cluster.execute("INSERT INTO orders SELECT g, 'late' FROM generate_series(20000, 20100) g");
        cluster.archiveNow();
        Manifest third = dev.lifeboat.testing.Cli.manifestIn(cluster.baseBackup());
        String systemId = base.facts().properties().get("system_identifier");
        Path walDir = cluster.repo().resolve("wal").resolve(systemId);
        String firstStart = base.facts().properties().get("start_wal");
        assertTrue(Files.exists(walDir.resolve(firstStart + ".json")));

        // The newest verified backup is never pruned: make it the newest one.
        assertEquals(0, cli.run("verify", third.id(), "--repo", cluster.repo().toString(), "--identity-file",
                cluster.identityFile().toString()).exit());
        Cli.Result prune = cli.run("prune", "--repo", cluster.repo().toString(), "--keep-last", "2");
        assertEquals(0, prune.exit(), prune.toString());
        assertFalse(Files.exists(cluster.repo().resolve("backups").resolve(base.id())), "the oldest base backup went");
        String secondStart = second.facts().properties().get("start_wal");
        List<String> left;
        try (var files = Files.list(walDir)) {
            left = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.replace(".json", "")).filter(WalNames::isSegment).sorted().toList();
        }
        assertFalse(left.contains(firstStart), left.toString());
        assertEquals(secondStart.substring(8), left.stream().map(n -> n.substring(8)).min(String::compareTo)
                .orElseThrow(), left.toString());

        Cli.Result check = cli.run("wal", "check", "--repo", cluster.repo().toString(), "--json");
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("\"backup\" : \"" + second.id() + "\""), check.out());
        assertTrue(check.out().contains("\"problems\" : [ ]"), check.out());
        assertNotEquals(second.id(), third.id());
    }

    @Test
    @Order(9)
    void theFeederAnswersRestoreCommandAndLeavesWhatItCannotToWalFetch() throws Exception {
        Path copy = cluster.root().resolve("repo-copy");
        String systemId = base.facts().properties().get("system_identifier");
        List<String> stored;
        try (var files = Files.list(copy.resolve("wal").resolve(systemId))) {
            stored = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.replace(".json", "")).filter(WalNames::isSegment).sorted().toList();
        }
        Cli.Result check = cli.run("wal", "check", "--repo", copy.toString());
        String damaged = stored.stream().filter(n -> check.out().contains("damaged WAL file " + n)).findFirst()
                .orElseThrow();
        Path data = cluster.root().resolve("feeder-data");
        Files.createDirectories(data.resolve("pg_wal"));
        Tools.ok("chown", "-R", "postgres:", data.toString());
        Path runs = cluster.root().resolve("feeder-launches.txt");
        long segmentSize = Long.parseLong(base.facts().properties().get("wal_segment_size"));
        String command = WalFeeder.restoreCommand("echo \"$f\" >> " + runs + "; exit 126");
        try (var repository = dev.lifeboat.repository.Repositories.folder(copy);
             WalFeeder feeder = WalFeeder.start(repository, systemId, dev.lifeboat.crypto.Decryptions
                     .ageIdentityFile(cluster.identityFile()), data, base.facts().properties().get("start_wal"),
                     segmentSize, dev.lifeboat.source.postgres.PostgresOsUser.DEFAULT)) {
            String good = base.facts().properties().get("start_wal");
            assertEquals(0, restoreCommand(data, command, good).exit());
            assertEquals(segmentSize, Files.size(data.resolve("pg_wal").resolve(good)));
            assertEquals("postgres", Files.getOwner(data.resolve("pg_wal").resolve(good)).getName());

            assertEquals(1, restoreCommand(data, command, "000000010000000100000000").exit(), "never archived");
            assertEquals(1, restoreCommand(data, command, "00000063.history").exit(), "never archived");
            assertEquals(1, restoreCommand(data, command, "00000001.history").exit(), "timeline 1 has none");
            assertFalse(Files.exists(runs), "the feeder answered without wal-fetch");

            // The last archived segment is asked for again at the end of recovery: it comes from the feeder's copy.
            String last = stored.stream().filter(n -> n.startsWith(good.substring(0, 8))).reduce((a, b) -> b)
                    .orElseThrow();
            assertEquals(0, restoreCommand(data, command, last).exit());
            for (String suffix : List.of(".json", ".wal.zst.age")) {
                Files.delete(copy.resolve("wal").resolve(systemId).resolve(last + suffix));
            }
            assertEquals(0, restoreCommand(data, command, last).exit(), "served again without the repository");
            assertEquals(segmentSize, Files.size(data.resolve("pg_wal").resolve(last)));
            assertFalse(Files.exists(runs), "the feeder answered without wal-fetch");

            assertEquals(126, restoreCommand(data, command, damaged).exit(), "damage goes to wal-fetch");
            assertEquals(damaged, Files.readString(runs).strip());
            assertFalse(Files.exists(data.resolve("pg_wal").resolve(damaged)));
        }
        assertFalse(Files.exists(data.resolve(WalFetch.SPOOL)));
        Files.createDirectories(data.resolve(WalFetch.SPOOL));
        Tools.ok("chown", "-R", "postgres:", data.toString());
        String good = base.facts().properties().get("start_wal");
        assertEquals(126, restoreCommand(data, command, good).exit(), "with no feeder, wal-fetch runs");
        assertEquals(1, restoreCommand(data, command, "00000001.history").exit(), "timeline 1 has no history");
        assertTrue(Files.readString(runs).strip().endsWith(good), Files.readString(runs));
    }

    /**
     * A job's base backup (`backup --job`, the path `run` and the daemon take too) serves the wal-push
     * hand-offs of PostgreSQL's archive_command while it runs: its last segment is archived without a JVM.
     * (Last: it changes archive_command for its length.)
     */
    @Test
    @Order(11)
    void aJobsBaseBackupArchivesItsWalThroughTheHandOff() throws Exception {
        Path root = cluster.root();
        Path runtime = Files.createDirectories(root.resolve("runtime"));
        Path handed = Files.writeString(root.resolve("handed.txt"), "");
        Tools.ok("chown", "postgres:", runtime.toString(), handed.toString());
        Path handing = root.resolve("handing-lifeboat");
        // as the launchers do: the hand-off first, in a process whose environment the server can compare
        Files.writeString(handing, "#!/bin/sh\nexport LIFEBOAT_STATE_DIR=" + root.resolve("state")
                + " LIFEBOAT_SCRATCH_DIR=" + root.resolve("scratch") + " LIFEBOAT_RUNTIME_DIR=" + runtime
                + "\nexec sh -c '. " + Path.of("packaging/share/wal-push-hand-off.sh").toAbsolutePath()
                + "; if lifeboat_hand_off \"$@\"; then echo \"$2\" >> " + handed + "; exit 0; fi; exec "
                + cluster.launcher() + " \"$@\"' sh \"$@\"\n");
        Tools.ok("chmod", "755", handing.toString());
        String archiving = PgCluster.query(cluster.port(), "SHOW archive_command");
        cluster.execute("ALTER SYSTEM SET archive_command = '" + archiving.replace(cluster.launcher().toString(),
                handing.toString()).replace("'", "''") + "'", "SELECT pg_reload_conf()");
        Path config = Files.writeString(root.resolve("job.yaml"), """
                jobs:
                  cluster:
                    source: %s
                    source-options: { physical: true }
                    repositories: [ "%s" ]
                    encryption: { recipients: [ "%s" ] }
                """.formatted(cluster.url(), cluster.repo(), cluster.recipient()));
        Tools.ok("chown", "postgres:", config.toString());
        try {
            Tools.Output backup = Tools.run(List.of("runuser", "-u", "postgres", "--", handing.toString(), "backup",
                    "--job", "cluster", "--config", config.toString()), Map.of(), null);
            assertEquals(0, backup.exit(), backup.toString());
            assertFalse(Files.readString(handed).isBlank(), "the backup's WAL went through the hand-off");
            assertFalse(Files.exists(runtime.resolve("lifeboat-wal-push-" + Tools.ok("id", "-u", "postgres").strip())
                    .resolve("server.pid")), "the backup stopped serving when it ended");
        } finally {
            cluster.execute("ALTER SYSTEM RESET archive_command", "SELECT pg_reload_conf()");
        }
    }

    /** Extraction writes past the page cache into the target's disk; a full one is one line, and the old contents return. */
    @Test
    @Order(12)
    void aDiskFillingUpWhileTheBackupIsExtractedIsNamedAndTheOldContentsComeBack() throws Exception {
        try (dev.lifeboat.testing.Tmpfs disk = new dev.lifeboat.testing.Tmpfs(cluster.root().resolve("small-disk"),
                "8m")) {
            Path target = Files.createDirectories(disk.path().resolve("data"));
            Files.writeString(target.resolve("keep.txt"), "the old contents");
            Cli.assertOneLineFailure(cli.run("restore", "latest", "--repo", cluster.repo().toString(), "--to-data-dir",
                    target.toString(), "--identity-file", cluster.identityFile().toString(), "--lifeboat-command",
                    cluster.launcher().toString()), ExitCode.TARGET, "cannot write base backup", "into " + target,
                    "(no space left on device); free space there", "the previous contents were put back");
            try (var files = Files.list(disk.path())) {
                assertEquals(List.of("data"), files.map(p -> p.getFileName().toString()).toList());
            }
            try (var files = Files.list(target)) {
                assertEquals(List.of("keep.txt"), files.map(p -> p.getFileName().toString()).toList());
            }
            assertEquals("the old contents", Files.readString(target.resolve("keep.txt")));
        }
    }

    /** The one sync after extraction is the restore's durability: when it fails, the restore fails and puts back. */
    @Test
    @Order(13)
    void aFailedSyncAfterExtractionFailsTheRestoreAndTheOldContentsComeBack() throws Exception {
        Path bin = Files.createDirectories(cluster.root().resolve("failing-sync-bin"));
        Path sync = Files.writeString(bin.resolve("sync"), "#!/bin/sh\necho 'sync: error syncing' >&2\nexit 1\n");
        Tools.ok("chmod", "755", sync.toString());
        Path target = Files.createDirectories(cluster.root().resolve("sync-data"));
        Files.writeString(target.resolve("keep.txt"), "the old contents");
        Tools.Output restore = Tools.run(List.of(cluster.launcher().toString(), "restore", "latest", "--repo",
                cluster.repo().toString(), "--to-data-dir", target.toString(), "--identity-file",
                cluster.identityFile().toString(), "--lifeboat-command", cluster.launcher().toString()),
                Map.of("PATH", bin + ":" + System.getenv("PATH")), null);
        assertEquals(ExitCode.TARGET.code(), restore.exit(), restore.toString());
        assertTrue(restore.err().contains("sync -f " + target + " failed with exit 1"), restore.err());
        assertTrue(restore.err().contains("check that disk and its kernel log or give another --to-data-dir"),
                restore.err());
        assertTrue(restore.err().contains("the previous contents were put back"), restore.err());
        try (var files = Files.list(target)) {
            assertEquals(List.of("keep.txt"), files.map(p -> p.getFileName().toString()).toList());
        }
        try (var files = Files.list(cluster.root())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("sync-data.pre-restore")));
        }
    }

    /**
     * With --start, the cluster starts while the sync still runs: a sync that fails stops it again, and
     * the old contents come back as they do without --start.
     */
    @Test
    @Order(16)
    void aFailedSyncWhileTheClusterStartsStopsItAndTheOldContentsComeBack() throws Exception {
        Path bin = Files.createDirectories(cluster.root().resolve("slow-failing-sync-bin"));
        Path sync = Files.writeString(bin.resolve("sync"), "#!/bin/sh\nsleep 1; echo 'sync: error syncing' >&2\n"
                + "exit 1\n");
        Tools.ok("chmod", "755", sync.toString());
        Path target = Files.createDirectories(cluster.root().resolve("started-sync-data"));
        Files.writeString(target.resolve("keep.txt"), "the old contents");
        Tools.Output restore = Tools.run(List.of(cluster.launcher().toString(), "restore", "latest", "--repo",
                cluster.repo().toString(), "--to-data-dir", target.toString(), "--identity-file",
                cluster.identityFile().toString(), "--lifeboat-command", cluster.launcher().toString(), "--start",
                "--port", Integer.toString(PgCluster.freePort())), Map.of("PATH", bin + ":" + System.getenv("PATH")),
                null);
        assertEquals(ExitCode.TARGET.code(), restore.exit(), restore.toString());
        assertTrue(restore.err().contains("sync -f " + target + " failed with exit 1"), restore.err());
        assertTrue(restore.err().contains("the previous contents were put back"), restore.err());
        try (var files = Files.list(target)) {
            assertEquals(List.of("keep.txt"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(1, Tools.run(List.of("pgrep", "-f", "postgres.*" + target), Map.of(), null).exit(),
                "no server runs on the restored copy");
    }

    /** The one sync makes the whole restore durable: it runs once the recovery settings and the owner are set. */
    @Test
    @Order(15)
    void theOneSyncComesAfterTheRecoverySettingsAndTheOwner() throws Exception {
        Path bin = Files.createDirectories(cluster.root().resolve("noting-sync-bin"));
        Path notes = cluster.root().resolve("sync-notes.txt");
        Path target = cluster.root().resolve("synced-data");
        Path sync = Files.writeString(bin.resolve("sync"), "#!/bin/sh\n{ test -f " + target.resolve("recovery.signal")
                + " && echo settings; stat -c %U " + target.resolve("PG_VERSION") + "; } >> " + notes
                + "\nexec /bin/sync \"$@\"\n");
        Tools.ok("chmod", "755", sync.toString());
        Tools.Output restore = Tools.run(List.of(cluster.launcher().toString(), "restore", "latest", "--repo",
                cluster.repo().toString(), "--to-data-dir", target.toString(), "--identity-file",
                cluster.identityFile().toString(), "--lifeboat-command", cluster.launcher().toString()),
                Map.of("PATH", bin + ":" + System.getenv("PATH")), null);
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(List.of("settings", "postgres"), Files.readAllLines(notes));
    }

    /**
     * A started server that ends its recovery with a FATAL (here: a restore point that was never made) is
     * named with PostgreSQL's reason; one whose start command never started it is named too, once the pid
     * file it never wrote was waited for.
     */
    @Test
    @Order(14)
    void aServerThatStopsDuringRecoveryIsNamedWithItsReason() throws Exception {
        Path never = cluster.root().resolve("never-reached");
        Cli.assertOneLineFailure(cli.run("restore", "latest", "--repo", cluster.repo().toString(), "--to-data-dir",
                never.toString(), "--identity-file", cluster.identityFile().toString(), "--lifeboat-command",
                cluster.launcher().toString(), "--target-name", "never_created", "--start", "--port",
                Integer.toString(PgCluster.freePort())), ExitCode.TARGET, "the restored cluster in " + never
                + " stopped during recovery: FATAL:", "recovery ended before configured recovery target was reached",
                RecoveryWatch.LOG);
        assertFalse(Files.exists(never.resolve("postmaster.pid")));

        Path notStarted = cluster.root().resolve("not-started");
        Cli.assertOneLineFailure(cli.run("restore", "latest", "--repo", cluster.repo().toString(), "--to-data-dir",
                notStarted.toString(), "--identity-file", cluster.identityFile().toString(), "--lifeboat-command",
                cluster.launcher().toString(), "--start", "--start-command", "true"), ExitCode.TARGET,
                "the restored cluster in " + notStarted + " stopped during recovery");
    }

    /** restore_command as PostgreSQL runs it: through sh, in the data directory, as the postgres user. */
    private static Tools.Output restoreCommand(Path data, String command, String name) {
        String line = command.replace("%f", name).replace("%p", "pg_wal/" + name);
        return Tools.run(List.of("runuser", "-u", "postgres", "--", "sh", "-c", "cd " + data + " && " + line),
                java.util.Map.of(), null);
    }

    private static void waitArchived(int port) throws Exception {
        for (int i = 0; i < 300; i++) {
            String failed = PgCluster.query(port, "SELECT failed_count::text FROM pg_stat_archiver");
            String pending = PgCluster.query(port, "SELECT count(*)::text FROM pg_ls_archive_statusdir()"
                    + " WHERE name LIKE '%.ready'");
            assertEquals("0", failed);
            if ("0".equals(pending)) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static String restoreAndChecksum(String dir, String... target) throws Exception {
        Path data = cluster.root().resolve(dir);
        int port = restore(data, target);
        try {
            return PgCluster.tableChecksum(port, "orders");
        } finally {
            cluster.stopServer(data);
        }
    }

    /**
     * Restores with --start and a relative --repo (PostgreSQL runs restore_command in the data
     * directory), through a launcher that notes each run: the restore that started the cluster
     * serves its WAL, so recovery never starts Lifeboat itself.
     */
    private static int restore(Path data, String... target) throws Exception {
        int port = PgCluster.freePort();
        Path runs = cluster.root().resolve(data.getFileName() + "-launches.txt");
        Path counting = cluster.root().resolve(data.getFileName() + "-lifeboat");
        Files.writeString(counting, "#!/bin/sh\necho \"$@\" >> " + runs + "\nexec " + cluster.launcher() + " \"$@\"\n");
        Tools.ok("chmod", "755", counting.toString());
        String relativeRepo = Path.of("").toAbsolutePath().relativize(cluster.repo()).toString();
        List<String> args = new ArrayList<>(List.of("restore", "latest", "--repo", relativeRepo,
                "--to-data-dir", data.toString(), "--identity-file", cluster.identityFile().toString(), "--start",
                "--port", Integer.toString(port), "--lifeboat-command", counting.toString()));
        args.addAll(List.of(target));
        Cli.Result result = cli.run(args.toArray(String[]::new));
        assertEquals(0, result.exit(), result.toString());
        assertFalse(Files.exists(runs), () -> "recovery ran Lifeboat: " + readQuietly(runs));
        assertFalse(Files.exists(data.resolve(WalFetch.SPOOL)), "the spool is removed after promotion");
        assertTrue(result.out().contains("recovered and promoted"), result.out());
        assertEquals("f", PgCluster.query(port, "SELECT pg_is_in_recovery()::text").substring(0, 1));
        assertFalse(Files.exists(data.resolve("recovery.signal")));
        return port;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
