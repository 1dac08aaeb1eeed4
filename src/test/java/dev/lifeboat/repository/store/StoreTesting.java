package dev.lifeboat.repository.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Small helpers of the store and repository contract suites. */
public final class StoreTesting {
    private StoreTesting() {
    }

    public static List<String> keys(Store store, String prefix) throws Exception {
        return store.list(prefix).stream().map(Store.StoredObject::key).toList();
    }

    /**
     * The medium holds exactly {@code keys} under the store, as seen past the store itself: no temp
     * file, no marker, and no folder but those on the way to the keys and the top-level ones, which
     * a store with folders keeps for concurrent writers.
     */
    public static void assertHolds(StoreKind kind, Store store, List<String> keys) throws Exception {
        List<String> entries = kind.placeOf(store).entries();
        org.junit.jupiter.api.Assertions.assertEquals(keys, entries.stream().filter(e -> !e.endsWith("/")).toList(),
                "what the medium holds");
        for (String folder : entries.stream().filter(e -> e.endsWith("/")).toList()) {
            org.junit.jupiter.api.Assertions.assertTrue(folder.indexOf('/') == folder.length() - 1
                    || keys.stream().anyMatch(k -> k.startsWith(folder)), "a folder is left empty: " + folder);
        }
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    public interface Task<T> {
        T run(int index) throws Exception;
    }

    /** Runs {@code count} tasks starting at the same moment; their results in order. */
    public static <T> List<T> together(int count, Task<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.run(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
