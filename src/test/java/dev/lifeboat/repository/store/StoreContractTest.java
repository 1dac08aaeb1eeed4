package dev.lifeboat.repository.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static dev.lifeboat.repository.store.StoreTesting.assertHolds;
import static dev.lifeboat.repository.store.StoreTesting.bytes;
import static dev.lifeboat.repository.store.StoreTesting.keys;
import static dev.lifeboat.repository.store.StoreTesting.random;
import static dev.lifeboat.repository.store.StoreTesting.together;

import dev.lifeboat.LifeboatException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every {@link Store} must do, run against every kind in {@link StoreKinds}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreContractTest {
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
    void aPutIsInvisibleUntilCommittedAndThenReplacesWhole(StoreKind kind) throws Exception {
        try (Store store = kind.create()) {
            store.put("a/b/object", bytes("old"));
            for (long length : new long[] {-1, 3000}) {
                byte[] content = random(3000, length);
                try (Store.Pending pending = store.put("a/b/object", length)) {
                    pending.stream().write(content);
                    assertArrayEquals(bytes("old"), store.readSmall("a/b/object", 100).orElseThrow());
                    assertEquals(List.of("a/b/object"), keys(store, "a/"));
                    pending.commit();
                }
                assertArrayEquals(content, store.readSmall("a/b/object", 5000).orElseThrow());
                assertEquals(3000, store.stat("a/b/object").orElseThrow().size());
                store.put("a/b/object", bytes("old"));
            }
            assertEquals(List.of(), store.unfinished(""), "nothing of the puts is left over");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aPutClosedWithoutCommitLeavesNothing(StoreKind kind) throws Exception {
        try (Store store = kind.create()) {
            store.put("x/kept", bytes("kept"));
            for (String key : List.of("x/new", "x/kept")) {
                try (Store.Pending pending = store.put(key, -1)) {
                    pending.stream().write(random(200_000, 1));
                }
            }
            assertEquals(List.of("x/kept"), keys(store, ""));
            assertArrayEquals(bytes("kept"), store.readSmall("x/kept", 100).orElseThrow());
            assertEquals(Optional.empty(), store.stat("x/new"));
            assertEquals(List.of(), store.unfinished(""));
            assertHolds(kind, store, List.of("x/kept"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void putIfAbsentCreatesOnceEvenWhenRaced(StoreKind kind) throws Exception {
        try (Store store = kind.create()) {
            List<byte[]> contents = IntStream.range(0, 6).mapToObj(i -> bytes("writer " + i)).toList();
            List<Boolean> created = together(contents.size(), i -> store.putIfAbsent("locks/one.lock", contents.get(i)));
            long winners = created.stream().filter(c -> c).count();
            byte[] stored = store.readSmall("locks/one.lock", 100).orElseThrow();
            assertTrue(contents.stream().anyMatch(c -> Arrays.equals(c, stored)), "one writer's bytes, whole");
            if (store.createsAtomically()) {
                assertEquals(1, winners, "exactly one creator: " + created);
                assertArrayEquals(contents.get(created.indexOf(true)), stored);
                assertFalse(store.putIfAbsent("locks/one.lock", bytes("late")));
            } else {
                assertTrue(winners >= 1, created.toString());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aListingPagesThroughMoreThanAThousandObjectsInKeyOrder(StoreKind kind) throws Exception {
        try (Store store = kind.create()) {
            List<String> expected = IntStream.range(0, 1100).mapToObj(i -> "many/%04d".formatted(i)).toList();
            for (int i = 0; i < expected.size(); i++) {
                kind.seed(store, expected.get(i), bytes("#" + i));
            }
            store.put("other/one", bytes("1"));
            assertEquals(expected, keys(store, "many/"));
            assertEquals(expected.subList(0, 100), keys(store, "many/00"));
            assertEquals(1101, store.list("").size());
            assertEquals(List.of("many", "other"), store.topLevel());
            assertEquals(List.of(), keys(store, "none/"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void readsStartAtAnyOffsetAndResumeAfterABrokenConnection(StoreKind kind) throws Exception {
        try (Store store = kind.create()) {
            byte[] content = random(300_000, 7);
            store.put("r/snapshot.sqlite.zst", content);
            for (int offset : new int[] {0, 1, 123_456, content.length}) {
                try (InputStream in = store.open("r/snapshot.sqlite.zst", offset)) {
                    assertArrayEquals(Arrays.copyOfRange(content, offset, content.length), in.readAllBytes());
                }
            }
            Optional<BooleanSupplier> broken = kind.breakNextRead("r/snapshot.sqlite.zst", 100_000);
            if (broken.isPresent()) {
                try (InputStream in = store.open("r/snapshot.sqlite.zst", 0)) {
                    assertArrayEquals(content, in.readAllBytes(), "the read went on from where it broke");
                }
                assertTrue(broken.get().getAsBoolean(), "the connection was lost mid-read");
            }
            assertThrows(NoSuchFileException.class, () -> store.open("r/missing.zst", 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void smallReadsStatAndDeleteSayWhatIsThere(StoreKind kind) throws Exception {
        try (Store store = kind.create()) {
            store.put("s/eleven", bytes("eleven byte"));
            assertThrows(ForeignObject.class, () -> store.readSmall("s/eleven", 10), "too large is not ours");
            assertEquals(Optional.empty(), store.readSmall("s/none", 10));
            assertEquals(Optional.empty(), store.stat("s/none"));
            store.delete("s/none");
            store.put("s/deep/down/one", bytes("1"));
            store.delete("s/eleven");
            store.delete("s/eleven");
            store.delete("s/deep/down/one");
            assertEquals(List.of(), store.list(""));
            assertHolds(kind, store, List.of());
            for (String bad : List.of("", "/abs", "a/../b", "a//b", ".", "a/./b", "a/")) {
                assertThrows(IllegalArgumentException.class, () -> store.readSmall(bad, 10), bad);
                assertThrows(IllegalArgumentException.class, () -> store.put(bad, -1), bad);
                assertThrows(IllegalArgumentException.class, () -> store.delete(bad), bad);
            }
            assertThrows(IllegalArgumentException.class, () -> store.list("../"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void refusedWritesFailAndLeaveTheStoreAsItWas(StoreKind kind) throws Exception {
        try (Store store = kind.create()) {
            store.put("p/kept", bytes("kept"));
            Optional<AutoCloseable> refusal = kind.refuseWrites(store);
            assumeTrue(refusal.isPresent(), kind + " cannot refuse writes");
            try (AutoCloseable refused = refusal.get()) {
                assertRefused(() -> store.put("p/new", random(20_000, 3)));
                assertRefused(() -> store.put("p/kept", bytes("changed")));
                assertRefused(() -> store.putIfAbsent("p/lock", bytes("lock")));
                assertArrayEquals(bytes("kept"), store.readSmall("p/kept", 100).orElseThrow(), "reads still work");
            }
            assertEquals(List.of("p/kept"), keys(store, ""));
            assertArrayEquals(bytes("kept"), store.readSmall("p/kept", 100).orElseThrow());
            assertEquals(List.of(), store.unfinished(""));
            assertHolds(kind, store, List.of("p/kept"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aFullStoreFailsThePutAndLeavesNothing(StoreKind kind) throws Exception {
        Optional<Store> small = kind.withRoomFor(256 << 10);
        assumeTrue(small.isPresent(), kind + " cannot be filled here (a small tmpfs needs root)");
        try (Store store = small.get()) {
            store.put("f/small", bytes("fits"));
            assertRefused(() -> {
                try (Store.Pending pending = store.put("f/big", -1)) {
                    OutputStream out = pending.stream();
                    for (int i = 0; i < 8; i++) {
                        out.write(random(64 << 10, i));
                    }
                    pending.commit();
                }
            });
            assertEquals(List.of("f/small"), keys(store, ""));
            assertEquals(List.of(), store.unfinished(""));
            assertHolds(kind, store, List.of("f/small"));
        }
    }

    /**
     * The one rule for what is not a plain object: a link (to a file or a folder) is listed as
     * foreign and never read, written through or followed; a folder where an object belongs is
     * refused on reading; deleting a link removes the link only.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void whatIsNotAPlainObjectIsListedAsForeignAndNeverFollowed(StoreKind kind) throws Exception {
        try (Store store = kind.create()) {
            Place place = kind.placeOf(store);
            Place outside = kind.place("outside-of-" + Integer.toHexString(System.identityHashCode(store)));
            outside.put("secret/manifest.json", bytes("outside"));
            store.put("a/plain", bytes("plain"));
            assumeTrue(place.link("a/link", outside, "secret/manifest.json"), kind + " has no links");
            place.link("a/folder-link", outside, "secret");
            place.folder("a/folder");
            Map<String, String> before = kind.everythingBut(place);

            List<Store.StoredObject> listed = store.list("a/");
            assertEquals(List.of("a/folder-link", "a/link", "a/plain"), listed.stream().map(Store.StoredObject::key)
                    .toList(), "links are listed, folders walked");
            assertEquals(List.of(true, true, false), listed.stream().map(Store.StoredObject::isForeign).toList());
            assertEquals(List.of(), store.unfinished("a/"));
            for (String key : List.of("a/link", "a/folder", "a/folder-link")) {
                assertThrows(ForeignObject.class, () -> store.readSmall(key, 100), key);
                assertThrows(ForeignObject.class, () -> store.stat(key), key);
                assertThrows(ForeignObject.class, () -> store.open(key, 0).close(), key);
            }
            assertThrows(ForeignObject.class, () -> store.readSmall("a/folder-link/manifest.json", 100));
            assertThrows(ForeignObject.class, () -> store.list("a/folder-link/"));
            assertThrows(ForeignObject.class, () -> store.put("a/folder-link/new", bytes("x")));
            assertThrows(ForeignObject.class, () -> store.delete("a/folder-link/manifest.json"));

            store.delete("a/link");
            store.delete("a/folder-link");
            assertEquals(List.of("a/plain"), keys(store, "a/"));
            assertEquals(before, kind.everythingBut(place), "nothing outside was read through, written or deleted");
            assertArrayEquals(bytes("outside"), outside.get("secret/manifest.json"));
        }
    }

    private interface Write {
        void run() throws Exception;
    }

    /** A refused write is an I/O failure or Lifeboat's own one-line refusal, nothing else. */
    private static void assertRefused(Write write) {
        try {
            write.run();
        } catch (java.io.IOException | LifeboatException e) {
            return;
        } catch (Exception e) {
            throw new AssertionError("a refused write failed with " + e, e);
        }
        throw new AssertionError("the write was not refused");
    }
}
