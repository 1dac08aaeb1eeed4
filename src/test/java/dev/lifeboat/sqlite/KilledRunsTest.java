package dev.lifeboat.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.crypto.AgeCli;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.repository.LockInfo;
import dev.lifeboat.repository.ProcessOwner;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.testing.BigDatabases;
import dev.lifeboat.testing.ChildJvm;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.S3Server;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore, verify and rekey processes killed with SIGKILL at random moments: once the next command
 * (the same operation again) has run, nothing of theirs is left in the repository or beside the
 * target, every backup still verifies, and the target was never half restored. Files of live
 * processes, and files that are not Lifeboat's, are never touched.
 */
class KilledRunsTest {
    /** Fixed, so a failure repeats the same choices; -Dlifeboat.kill.seed=N tries others. */
    private static final long SEED = Long.getLong("lifeboat.kill.seed", 20261115L);
    private static final int TRIALS = 21;
    private static final List<String> OPERATIONS = List.of("restore", "verify", "rekey");
    /** A short run spends its time starting up: the C1 compiler alone, and the small serial collector. */
    private static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    @TempDir
    Path dir;

    private final Map<String, Integer> leftAfterKill = new TreeMap<>();

    @Test
    void killedRestoreVerifyAndRekeyLeaveNothingOnceTheNextCommandRan() throws Exception {
        Path db = dir.resolve("app.db");
        Path repo = dir.resolve("repo");
        Path ageRepo = dir.resolve("age-repo");
        Path scratch = dir.resolve("scratch");
        Path folder = Files.createDirectories(dir.resolve("target"));
        Path target = folder.resolve("app.db");
        Cli cli = new Cli(scratch);
        List<AgeCli.Key> keys = twoKeys();
        Path bothKeys = dir.resolve("keys/both");
        try (Connection conn = TestDatabases.walWithUncheckpointedRows(db, 300)) {
            ok(cli.run("backup", "--no-encrypt", db.toString(), "--repo", repo.toString()), "backup");
            for (int i = 0; i < 2; i++) {
                ok(cli.run("backup", "--force", "--recipient", keys.get(0).publicKey(), db.toString(), "--repo",
                        ageRepo.toString()), "age backup");
            }
        }
        String restoredDigest = TestDatabases.contentDigest(db);
        Path before = dir.resolve("before.db");
        TestDatabases.walWithUncheckpointedRows(before, 20).close();
        byte[] beforeBytes = Files.readAllBytes(before);
        String plainId = Repositories.folder(repo).manifests().get(0).id();
        List<String> ageIds = Repositories.folder(ageRepo).manifests().stream().map(Manifest::id).toList();

        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            Set<Path> planted = plant(folder, repo, plainId, sleeper);
            Random random = new Random(SEED);
            Map<String, Long> windows = new HashMap<>();
            int killed = 0;
            int recipient = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                String op = OPERATIONS.get(trial % OPERATIONS.size());
                boolean replacing = random.nextBoolean();
                if (op.equals("restore")) {
                    Files.deleteIfExists(target);
                    if (replacing) {
                        Files.write(target, beforeBytes);
                    }
                }
                if (op.equals("rekey")) {
                    recipient = 1 - recipient;
                }
                boolean onAge = op.equals("rekey") || (op.equals("verify") && random.nextBoolean());
                List<String> args = switch (op) {
                    case "restore" -> new ArrayList<>(List.of("restore", plainId, "--repo", repo.toString(), "--to",
                            target.toString(), "--yes"));
                    case "verify" -> new ArrayList<>(onAge
                            ? List.of("verify", ageIds.get(random.nextInt(ageIds.size())), "--repo", ageRepo.toString(),
                                    "--identity-file", bothKeys.toString())
                            : List.of("verify", plainId, "--repo", repo.toString()));
                    default -> new ArrayList<>(List.of("rekey", "--repo", ageRepo.toString(), "--to-recipient",
                            keys.get(recipient).publicKey(), "--identity-file", bothKeys.toString()));
                };
                boolean safety = op.equals("restore") && random.nextBoolean();
                if (op.equals("restore") && !safety) {
                    args.add("--no-safety-backup");
                }
                // Most kills land once the run holds its locks, where leftovers can arise; some during start-up.
                boolean atWork = random.nextInt(4) != 0;
                String phase = op + (atWork ? " at work" : " from start");
                long delayMs = (long) (random.nextDouble() * windows.getOrDefault(phase, atWork ? 400L : 1500L));
                String trialName = "seed " + SEED + ", trial " + trial + ": " + String.join(" ", args)
                        + (atWork ? ", killed " + delayMs + " ms after it took its lock" : ", killed after "
                        + delayMs + " ms");

                Process child = ChildJvm.start(QUICK_START, Map.of("LIFEBOAT_SCRATCH_DIR", scratch.toString()),
                        dir.resolve("child-" + trial + ".log"), args.toArray(String[]::new));
                Path lockDir = (onAge ? ageRepo : repo).resolve("locks");
                if (atWork) {
                    awaitLock(lockDir, op.equals("rekey") ? "database-app.lock" : "-" + child.pid() + ".lock", child);
                }
                long waiting = System.nanoTime();
                if (child.waitFor(delayMs, TimeUnit.MILLISECONDS)) {
                    // It ended before the kill: later kills in this phase come within the time it took.
                    windows.put(phase, Math.max(20, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waiting)));
                }
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), trialName);
                killed += child.exitValue() == 137 ? 1 : 0;
                survey(child.pid(), List.of(repo, ageRepo), folder, scratch);
                if (op.equals("restore")) {
                    boolean untouched = replacing ? Arrays.equals(beforeBytes, Files.readAllBytes(target))
                            : !Files.exists(target);
                    assertTrue(untouched || TestDatabases.contentDigest(target).equals(restoredDigest),
                            trialName + ": the target is untouched or fully restored");
                }

                List<String> again = new ArrayList<>(args);
                again.removeAll(List.of("--yes", "--no-safety-backup"));
                again.addAll(op.equals("restore") ? List.of("--yes", "--no-safety-backup") : List.of());
                ok(cli.run(again.toArray(String[]::new)), trialName + ", then the same again");

                assertEquals(names(planted.stream().filter(p -> p.startsWith(repo.resolve("locks"))).toList()),
                        inUseMarks(repo), trialName + ": only the live reader's mark is left");
                assertEquals(Set.of(), inUseMarks(ageRepo), trialName + ": no in-use mark is left");
                for (Path r : List.of(repo, ageRepo)) {
                    // A rekey that found nothing left to do took no lock; the next one to need it takes it over.
                    assertEquals(List.of(), liveScopeLocks(r), trialName + ": a lock left behind is a dead one's");
                    assertEquals(List.of(), temps(r), trialName + ": no temp file is left in " + r);
                }
                Set<String> beside = new TreeSet<>(names(planted.stream().filter(p -> p.startsWith(folder)).toList()));
                if (op.equals("restore")) {
                    assertEquals(restoredDigest, TestDatabases.contentDigest(target), trialName);
                }
                if (Files.exists(target)) {
                    beside.add(target.getFileName().toString());
                }
                assertEquals(beside, names(list(folder)), trialName + ": nothing else is left beside the target");
                assertEquals(List.of(), list(scratch).stream().filter(p -> p.getFileName().toString()
                        .startsWith(ScratchSpace.PREFIX)).toList(), trialName + ": no scratch file is left");
                assertTrue(ids(repo).contains(plainId), trialName + ": the backup is still listed");
                assertEquals(ageIds, ids(ageRepo), trialName + ": the encrypted backups are still listed");
                if (op.equals("rekey")) {
                    String now = keys.get(recipient).publicKey();
                    assertTrue(Repositories.folder(ageRepo).manifests().stream()
                            .allMatch(m -> m.encryption().recipients().equals(List.of(now))), trialName);
                }
            }
            System.out.println("KilledRunsTest (seed " + SEED + "): " + killed + " of " + TRIALS + " runs killed; left"
                    + " right after the kills: " + leftAfterKill);
            assertTrue(killed >= TRIALS / 2, "seed " + SEED + ": most runs were killed, not finished: " + killed);

            // An object a rekey replaced stays an hour, as the age guard keeps a commit under way safe.
            Path backup = ageRepo.resolve("backups").resolve(ageIds.get(0));
            Files.copy(backup.resolve(Repositories.folder(ageRepo).manifests().get(0).object()),
                    backup.resolve("snapshot-rekeyed-20000101000000.sqlite.zst.age"));
            for (Path object : replacedObjects(ageRepo)) {
                Files.setLastModifiedTime(object, FileTime.from(Instant.now().minusSeconds(7200)));
            }
            ok(cli.run("verify", "all", "--repo", repo.toString()), "verify all, plain");
            ok(cli.run("verify", "all", "--repo", ageRepo.toString(), "--identity-file", bothKeys.toString()),
                    "verify all, age");
            assertEquals(List.of(), replacedObjects(ageRepo), "replaced objects older than an hour are removed");
            for (Path p : planted) {
                assertTrue(Files.exists(p), p + " is not Lifeboat's or has a live owner, and is kept");
            }
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void onS3AKilledRekeysUploadIsAbortedAndAKilledVerifysMarkRemovedByTheNextRun() throws Exception {
        try (S3Server server = new S3Server()) {
            Path scratch = dir.resolve("scratch");
            Cli cli = server.cli(scratch);
            List<AgeCli.Key> keys = twoKeys();
            AgeCli.Key one = keys.get(0);
            AgeCli.Key two = keys.get(1);
            Path bothKeys = dir.resolve("keys/both");
            // Incompressible, so that its object takes three parts of 5 MiB.
            Path db = BigDatabases.random(dir.resolve("big.db"), 12);
            String bucket = server.url("killed", "part-size=5MiB");
            ok(cli.run("backup", "--recipient", one.publicKey(), db.toString(), "--repo", bucket), "backup");
            Map<String, String> env = new HashMap<>(server.credentials());
            env.put("LIFEBOAT_SCRATCH_DIR", scratch.toString());

            AtomicReference<Process> rekey = new AtomicReference<>();
            server.faults().atPart(2, () -> rekey.get().destroyForcibly());
            rekey.set(ChildJvm.start(QUICK_START, env, dir.resolve("rekey.log"), "rekey", "--repo", bucket,
                    "--to-recipient", two.publicKey(), "--identity-file", bothKeys.toString()));
            assertTrue(rekey.get().waitFor(60, TimeUnit.SECONDS));
            server.faults().reset();
            assertEquals(137, rekey.get().exitValue(), Files.readString(dir.resolve("rekey.log")));
            assertEquals(1, server.pendingUploads("killed/").size(), "killed mid-upload of the new object");
            ok(cli.run("rekey", "--repo", bucket, "--to-recipient", two.publicKey(), "--identity-file",
                    bothKeys.toString()), "the next rekey");
            assertEquals(List.of(), server.pendingUploads("killed/"), "the next rekey aborted the dead one's upload");
            assertTrue(server.keys("killed/").stream().noneMatch(k -> k.endsWith("/.owner")),
                    "the marker of the re-encryption is gone: " + server.keys("killed/"));

            Process verify = ChildJvm.start(QUICK_START, env, dir.resolve("verify.log"), "verify", "latest", "--repo",
                    bucket, "--identity-file", two.file().toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (verify.isAlive() && System.nanoTime() < deadline && inUse(server).isEmpty()) {
                Thread.sleep(5);
            }
            verify.destroyForcibly();
            assertTrue(verify.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, inUse(server).size(), "killed while reading: "
                    + Files.readString(dir.resolve("verify.log")));
            ok(cli.run("verify", "latest", "--repo", bucket, "--identity-file", two.file().toString()), "next verify");
            assertEquals(List.of(), inUse(server), "the next verify removed the dead one's in-use mark");
        }
    }

    /** Two age keys, and in {@code keys/both} an identity file holding both: whichever a backup has, it opens. */
    private List<AgeCli.Key> twoKeys() throws Exception {
        AgeCli age = new AgeCli(Files.createDirectories(dir.resolve("keys")));
        List<AgeCli.Key> keys = List.of(age.keygen("one"), age.keygen("two"));
        Files.writeString(dir.resolve("keys/both"), Files.readString(keys.get(0).file())
                + Files.readString(keys.get(1).file()));
        return keys;
    }

    private static List<String> inUse(S3Server server) {
        return server.keys("killed/locks/in-use-");
    }

    /**
     * Files the cleanup must leave alone: beside the target, a staged-looking copy of a live
     * process and files that merely resemble Lifeboat's; in the repository, a live reader's mark.
     */
    private static Set<Path> plant(Path folder, Path repo, String backupId, Process live) throws Exception {
        Set<Path> planted = new TreeSet<>();
        long self = ProcessHandle.current().pid();
        planted.add(Files.write(folder.resolve(ScratchSpace.PREFIX + self + "-00ff00ff-restore-app.db"), new byte[16]));
        planted.add(Files.write(folder.resolve(ScratchSpace.PREFIX + "x-restore-app.db"), new byte[16]));
        planted.add(Files.write(folder.resolve("app.db.before-upgrade"), new byte[16]));
        planted.add(Files.write(folder.resolve(".tmp-" + live.pid() + "-00ff-app.db"), new byte[16]));
        ProcessOwner owner = new ProcessOwner(ProcessOwner.hostName(), live.pid(),
                live.info().startInstant().orElseThrow().toString());
        Path locks = Files.createDirectories(repo.resolve("locks"));
        planted.add(Files.write(locks.resolve("in-use-" + backupId + "-" + live.pid() + ".lock"),
                Json.write(new LockInfo(backupId, "verify", owner.token(), Instant.now()))));
        return planted;
    }

    /** Counts what a killed child left, before any cleanup: the evidence of what the next command removes. */
    private void survey(long pid, List<Path> repos, Path folder, Path scratch) throws Exception {
        for (Path r : repos) {
            for (String lock : lockFiles(r)) {
                if (lock.contains("-" + pid + ".lock")) {
                    leftAfterKill.merge("in-use lock", 1, Integer::sum);
                } else if (!lock.startsWith("in-use-")) {
                    leftAfterKill.merge("lock " + lock, 1, Integer::sum);
                }
            }
            leftAfterKill.merge("temp in repository", temps(r).size(), Integer::sum);
            leftAfterKill.merge("replaced object", replacedObjects(r).size(), Integer::sum);
            try (Stream<Path> dirs = Files.list(r.resolve("backups"))) {
                leftAfterKill.merge("backup without manifest", (int) dirs.filter(d -> !Files.exists(
                        d.resolve("manifest.json"))).count(), Integer::sum);
            }
        }
        leftAfterKill.merge("staged beside target", (int) list(folder).stream()
                .filter(p -> p.getFileName().toString().startsWith(ScratchSpace.PREFIX + pid + "-")).count(),
                Integer::sum);
        leftAfterKill.merge("scratch file", (int) list(scratch).stream()
                .filter(p -> p.getFileName().toString().startsWith(ScratchSpace.PREFIX + pid + "-")).count(),
                Integer::sum);
    }

    private static void awaitLock(Path lockDir, String suffix, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (child.isAlive() && System.nanoTime() < deadline) {
            if (list(lockDir).stream().anyMatch(p -> p.getFileName().toString().endsWith(suffix))) {
                return;
            }
            Thread.sleep(3);
        }
    }

    private static void ok(Cli.Result result, String what) {
        assertEquals(0, result.exit(), what + ": " + result);
    }

    private static Set<String> lockFiles(Path repo) throws Exception {
        return names(list(repo.resolve("locks")));
    }

    private static Set<String> inUseMarks(Path repo) throws Exception {
        Set<String> marks = new TreeSet<>(lockFiles(repo));
        marks.removeIf(name -> !name.startsWith("in-use-"));
        return marks;
    }

    /** Locks other than in-use marks whose owner is not known to be dead: none, once every run has ended. */
    private static List<String> liveScopeLocks(Path repo) throws Exception {
        List<String> live = new ArrayList<>();
        for (Path lock : list(repo.resolve("locks"))) {
            LockInfo info = Json.read(Files.readAllBytes(lock), LockInfo.class);
            if (!lock.getFileName().toString().startsWith("in-use-")
                    && !ProcessOwner.parse(info.owner()).orElseThrow().isDeadOnThisHost()) {
                live.add(lock.getFileName() + " (" + info.describe() + ")");
            }
        }
        return live;
    }

    /** Temp files of Lifeboat's atomic writes anywhere in the repository. */
    private static List<Path> temps(Path repo) throws Exception {
        try (Stream<Path> files = Files.walk(repo)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".tmp-")).toList();
        }
    }

    /** Data objects that their backup's manifest no longer names. */
    private static List<Path> replacedObjects(Path repo) throws Exception {
        List<Path> replaced = new ArrayList<>();
        for (Manifest m : Repositories.folder(repo).manifests()) {
            Path backup = repo.resolve("backups").resolve(m.id());
            list(backup).stream().filter(f -> f.getFileName().toString().startsWith("snapshot")
                    && !f.getFileName().toString().equals(m.object())).forEach(replaced::add);
        }
        return replaced;
    }

    private static List<String> ids(Path repo) throws Exception {
        return Repositories.folder(repo).manifests().stream().map(Manifest::id).toList();
    }

    private static List<Path> list(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }

    private static Set<String> names(List<Path> paths) {
        Set<String> names = new TreeSet<>();
        paths.forEach(p -> names.add(p.getFileName().toString()));
        return names;
    }
}
