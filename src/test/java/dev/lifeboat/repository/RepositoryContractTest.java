package dev.lifeboat.repository;

import static dev.lifeboat.repository.store.StoreTesting.assertHolds;
import static dev.lifeboat.repository.store.StoreTesting.bytes;
import static dev.lifeboat.repository.store.StoreTesting.keys;
import static dev.lifeboat.repository.store.StoreTesting.random;
import static dev.lifeboat.repository.store.StoreTesting.together;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.store.Store;
import dev.lifeboat.repository.store.StoreKind;
import dev.lifeboat.repository.store.StoreKinds;
import dev.lifeboat.testing.MutableClock;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one repository layout ({@link StoreRepository}) on every kind of store in {@link StoreKinds}:
 * commit, abort, a crash between object and manifest, racing and stale locks, replacements,
 * refused writes and a full store behave the same everywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoryContractTest {
    static final String ID1 = "20261202T100000Z-aaaaaa";
    static final String ID2 = "20261202T110000Z-bbbbbb";
    static final String ID3 = "20261202T120000Z-cccccc";
    static final String OBJECT = "snapshot.sqlite.zst";
    static final String REKEYED = "snapshot-rekeyed-20261202130000.sqlite.zst";
    static final String RECORD = "verify-20261202T214052.729Z-511f92.json";
    private List<StoreKind> kinds;

    @BeforeAll
    void start(@TempDir Path dir) {
        kinds = StoreKinds.all(dir);
    }

    @AfterAll
    void stop() throws Exception {
        for (StoreKind kind : kinds) {
            kind.stop();
        }
    }

    List<StoreKind> kinds() {
        return kinds;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aCommittedBackupIsListedWholeAndLeavesNothingElse(StoreKind kind) throws Exception {
        try (Store store = kind.create(); StoreRepository repository = new StoreRepository(store, Clock.systemUTC())) {
            assertTrue(repository.create());
            assertFalse(repository.create());
            byte[] data = random(300_000, 1);
            Manifest manifest = backUp(repository, ID1, data);
            assertEquals(List.of(ID1), repository.manifests().stream().map(Manifest::id).toList());
            try (InputStream in = repository.openObject(repository.manifest(ID1).orElseThrow())) {
                assertArrayEquals(data, in.readAllBytes());
            }
            repository.putRecord(ID1, RECORD, bytes("{}"));
            assertEquals(1, repository.records(ID1, "verify-").size());
            assertEquals(List.of("backups/" + ID1 + "/manifest.json", "backups/" + ID1 + "/" + OBJECT,
                    "backups/" + ID1 + "/" + RECORD, "lifeboat-repository.json"), keys(store, ""), "no marker is left");
            assertEquals(List.of(), store.unfinished(""));
            repository.delete(manifest);
            assertEquals(List.of(), repository.manifests());
            assertEquals(List.of("lifeboat-repository.json"), keys(store, ""));
            assertHolds(kind, store, List.of("lifeboat-repository.json"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void anAbortedFirstBackupLeavesNothingAtAll(StoreKind kind) throws Exception {
        try (Store store = kind.create(); StoreRepository repository = new StoreRepository(store, Clock.systemUTC())) {
            assertTrue(repository.create());
            try (Repository.Upload upload = repository.startUpload(ID1, OBJECT)) {
                upload.data().write(random(100_000, 2));
            }
            assertEquals(List.of("lifeboat-repository.json"), keys(store, ""));
            assertEquals(List.of(), store.unfinished(""));
            repository.removeIfEmpty();
            assertEquals(List.of(), store.topLevel(), "the place is as it was");
            assertFalse(kind.placeOf(store).exists(), "no folder is left: " + kind.placeOf(store).entries());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aCrashBetweenObjectAndManifestIsNeverListedAndTheNextRunRemovesIt(StoreKind kind) throws Exception {
        try (Store store = kind.create(); StoreRepository repository = new StoreRepository(store, Clock.systemUTC())) {
            byte[] data = random(50_000, 3);
            Manifest kept = backUp(repository, ID1, data);
            ProcessOwner dead = PreviousVersionRepositoryTest.deadOwner();
            // A writer killed after its object, before its manifest, with a second put under way.
            store.put("backups/" + ID2 + "/.owner", bytes(dead.token()));
            store.put("backups/" + ID2 + "/" + OBJECT, data);
            Store.Pending killed = store.put("backups/" + ID2 + "/" + REKEYED, -1);
            killed.stream().write(random(1000, 4));
            // A re-encryption killed after its new manifest, before the old object went.
            store.put("backups/" + ID1 + "/.owner", bytes(dead.token()));
            store.put("backups/" + ID1 + "/" + REKEYED, data);
            try (Repository.Upload live = repository.startUpload(ID3, OBJECT)) {
                live.data().write(random(1000, 5));
                assertEquals(List.of(ID1), repository.manifests().stream().map(Manifest::id).toList());
                assertEquals(List.of(ID2), repository.incompleteBackups(), "a live writer's backup is not incomplete");
                assertTrue(repository.removeLeftovers() >= 2);
                assertEquals(List.of(), keys(store, "backups/" + ID2 + "/"));
                assertEquals(List.of(), store.unfinished("backups/" + ID2 + "/"));
                assertEquals(List.of("backups/" + ID1 + "/manifest.json", "backups/" + ID1 + "/" + OBJECT),
                        keys(store, "backups/" + ID1 + "/"), "the backup keeps its object; the marker is gone");
                assertTrue(keys(store, "backups/" + ID3 + "/").contains("backups/" + ID3 + "/.owner"),
                        "the live writer's backup is left alone");
            }
            killed.close();
            assertEquals(List.of(kept), repository.manifests());
            assertEquals(List.of(), keys(store, "backups/" + ID3 + "/"));
            assertHolds(kind, store, List.of("backups/" + ID1 + "/manifest.json", "backups/" + ID1 + "/" + OBJECT,
                    "lifeboat-repository.json"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void racingLockTakersGetOneHolderAndReadersEachTheirOwnMark(StoreKind kind) throws Exception {
        try (Store store = kind.create(); StoreRepository repository = new StoreRepository(store, Clock.systemUTC())) {
            backUp(repository, ID1, bytes("data"));
            for (int round = 0; round < 3; round++) {
                List<RepositoryLock> held = together(5, i -> {
                    try {
                        return new StoreRepository(store, Clock.systemUTC()).lock("database-app", "backup");
                    } catch (LifeboatException e) {
                        assertEquals(ExitCode.LOCKED, e.exitCode(), e.getMessage());
                        assertTrue(e.getMessage().contains("is locked by backup by host"), e.getMessage());
                        return null;
                    }
                }).stream().filter(Objects::nonNull).toList();
                assertEquals(1, held.size(), "round " + round + ": one holder");
                held.get(0).close();
            }
            try (RepositoryLock verify = repository.markInUse(ID1, "verify")) {
                try (RepositoryLock restore = repository.markInUse(ID1, "restore")) {
                    assertEquals(Set.of(ID1), repository.backupsInUse());
                }
                assertEquals(Set.of(ID1), repository.backupsInUse());
            }
            assertEquals(Set.of(), repository.backupsInUse());
            assertEquals(List.of(), keys(store, "locks/"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void staleLocksAreTakenOverByTheOneRuleAndLiveOnesAreNot(StoreKind kind) throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (Store store = kind.create();
             StoreRepository repository = new StoreRepository(store, Liveness.standard(clock))) {
            backUp(repository, ID1, bytes("data"));
            ProcessOwner dead = PreviousVersionRepositoryTest.deadOwner();
            String elsewhere = "elsewhere 4242 2026-01-01T00:00:00Z";
            plantLock(store, "locks/database-dead.lock", "database-dead", dead.token(), clock);
            plantLock(store, "locks/database-far.lock", "database-far", elsewhere, clock);
            store.put("locks/database-garbled.lock", bytes("not a lock"));
            plantLock(store, "locks/in-use-" + ID1 + "-00-1.lock", ID1, dead.token(), clock);
            plantLock(store, "locks/in-use-" + ID1 + "-00-2.lock", ID1, elsewhere, clock);

            try (RepositoryLock lock = repository.lock("database-dead", "backup")) {
                assertTrue(lock.tookOverFrom().orElseThrow().contains("pid " + dead.pid()), lock.tookOverFrom().get());
            }
            assertLocked(repository, "database-far", "host elsewhere, pid 4242");
            assertLocked(repository, "database-garbled", "an unreadable lock");
            assertEquals(Set.of(ID1), repository.backupsInUse());
            repository.removeLeftovers();
            assertEquals(1, keys(store, "locks/in-use-").size(), "the dead reader's mark is gone, the live one kept");

            clock.advance(Liveness.STALE.plusMinutes(1));
            for (String scope : List.of("database-far", "database-garbled")) {
                try (RepositoryLock lock = repository.lock(scope, "backup")) {
                    assertTrue(lock.tookOverFrom().isPresent(), scope + " had stopped beating");
                }
            }
            assertEquals(Set.of(), repository.backupsInUse());
            repository.removeLeftovers();
            assertEquals(List.of(), keys(store, "locks/"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aHeldLockBeatsAndOneThatStoppedBeatingGoesStale(StoreKind kind) throws Exception {
        Liveness fast = new Liveness(Clock.systemUTC(), Duration.ofMillis(200), Duration.ofSeconds(2));
        try (Store store = kind.create(); StoreRepository repository = new StoreRepository(store, fast)) {
            backUp(repository, ID1, bytes("data"));
            plantLock(store, "locks/database-idle.lock", "database-idle", ProcessOwner.current().token(),
                    Clock.systemUTC());
            try (RepositoryLock held = repository.lock("database-app", "backup")) {
                Thread.sleep(2600);
                assertLocked(new StoreRepository(store, fast), "database-app", "is locked by backup by host");
                try (RepositoryLock idle = repository.lock("database-idle", "backup")) {
                    assertTrue(idle.tookOverFrom().isPresent(), "a live process's lock that stopped beating is stale");
                }
            }
            repository.lock("database-app", "backup").close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aReplacementIsReadBackBeforeItsManifestSwitches(StoreKind kind) throws Exception {
        try (Store store = kind.create(); StoreRepository repository = new StoreRepository(store, Clock.systemUTC())) {
            byte[] old = random(40_000, 6);
            Manifest original = backUp(repository, ID1, old);
            byte[] fresh = random(40_000, 7);
            try (Repository.Upload replacement = repository.startReplacement(original, REKEYED)) {
                replacement.data().write(fresh);
                LifeboatException e = assertThrows(LifeboatException.class,
                        () -> replacement.commit(manifest(ID1, REKEYED, random(40_000, 8))));
                assertEquals(ExitCode.INTEGRITY, e.exitCode());
            }
            assertEquals(List.of(original), repository.manifests());
            assertEquals(List.of("backups/" + ID1 + "/manifest.json", "backups/" + ID1 + "/" + OBJECT),
                    keys(store, "backups/"), "the new object and the marker are gone");
            try (Repository.Upload replacement = repository.startReplacement(original, REKEYED)) {
                replacement.data().write(fresh);
                replacement.commit(manifest(ID1, REKEYED, fresh));
            }
            assertEquals(REKEYED, repository.manifest(ID1).orElseThrow().object());
            assertEquals(List.of("backups/" + ID1 + "/manifest.json", "backups/" + ID1 + "/" + REKEYED),
                    keys(store, "backups/"), "the old object went after the manifest switched");
            assertHolds(kind, store, List.of("backups/" + ID1 + "/manifest.json", "backups/" + ID1 + "/" + REKEYED,
                    "lifeboat-repository.json"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void refusedWritesAreOneLineAndLeaveTheRepositoryAsItWas(StoreKind kind) throws Exception {
        try (Store store = kind.create(); StoreRepository repository = new StoreRepository(store, Clock.systemUTC())) {
            backUp(repository, ID1, random(10_000, 9));
            List<String> before = keys(store, "");
            Optional<AutoCloseable> refusal = kind.refuseWrites(store);
            assumeTrue(refusal.isPresent(), kind + " cannot refuse writes");
            try (AutoCloseable refused = refusal.get()) {
                assertOneLine(ExitCode.REPOSITORY, () -> {
                    try (Repository.Upload upload = repository.startUpload(ID2, OBJECT)) {
                        upload.data().write(random(10_000, 10));
                        upload.commit(manifest(ID2, OBJECT, random(10_000, 10)));
                    }
                });
                assertOneLine(ExitCode.REPOSITORY, () -> repository.putRecord(ID1, RECORD, bytes("{}")));
                assertOneLine(ExitCode.REPOSITORY, () -> repository.lock("database-app", "backup"));
                assertEquals(1, repository.manifests().size(), "reading still works");
            }
            repository.removeLeftovers();
            assertEquals(before, keys(store, ""));
            assertEquals(List.of(), store.unfinished(""));
            assertHolds(kind, store, before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aFullStoreIsOneLineAndLeavesNoBackup(StoreKind kind) throws Exception {
        Optional<Store> small = kind.withRoomFor(512 << 10);
        assumeTrue(small.isPresent(), kind + " cannot be filled here (a small tmpfs needs root)");
        try (Store store = small.get(); StoreRepository repository = new StoreRepository(store, Clock.systemUTC())) {
            repository.create();
            LifeboatException e = assertOneLine(ExitCode.REPOSITORY, () -> {
                try (Repository.Upload upload = repository.startUpload(ID1, OBJECT)) {
                    byte[] data = random(1 << 20, 11);
                    upload.data().write(data);
                    upload.commit(manifest(ID1, OBJECT, data));
                }
            });
            assertTrue(e.getMessage().contains("is full"), e.getMessage());
            assertEquals(List.of("lifeboat-repository.json"), keys(store, ""));
            assertEquals(List.of(), store.unfinished(""));
            assertHolds(kind, store, List.of("lifeboat-repository.json"));
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static LifeboatException assertOneLine(ExitCode code, Action action) {
        LifeboatException e = assertThrows(LifeboatException.class, action::run);
        assertEquals(code, e.exitCode(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private static void assertLocked(Repository repository, String scope, String holder) {
        LifeboatException e = assertThrows(LifeboatException.class, () -> repository.lock(scope, "backup"));
        assertEquals(ExitCode.LOCKED, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains(holder), e.getMessage());
    }

    private static void plantLock(Store store, String key, String scope, String owner, Clock clock) throws Exception {
        store.put(key, Json.write(new LockInfo(scope, "backup", owner, clock.instant())));
    }

    static Manifest backUp(Repository repository, String id, byte[] data) throws Exception {
        byte[] json = manifest(id, OBJECT, data);
        try (Repository.Upload upload = repository.startUpload(id, OBJECT)) {
            upload.data().write(data);
            upload.commit(json);
        }
        return Json.read(json, Manifest.class);
    }

    /** A complete manifest of backup {@code id} whose object is {@code data}. */
    static byte[] manifest(String id, String object, byte[] data) throws Exception {
        ObjectNode m = (ObjectNode) new ObjectMapper().readTree(StoredManifestsFuzzTest.MANIFEST);
        m.put("id", id).put("object", object);
        ((ObjectNode) m.get("seal")).put("storedSize", data.length).put("storedSha256",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        m.putObject("encryption").put("scheme", "none").putArray("recipients");
        return new ObjectMapper().writeValueAsBytes(m);
    }
}
