package dev.lifeboat.repository;

import dev.lifeboat.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Reads many small manifests at once, a bounded number at a time: a listing of thousands stays fast. */
public final class ManifestReader {
    /** What a remote store serves well at once. */
    public static final int PARALLEL = 8;

    private ManifestReader() {
    }

    /** {@code read} applied to every item, in their order, {@code parallel} at a time. */
    static <I, T> List<T> readAll(List<I> ids, Function<I, T> read, int parallel) {
        if (ids.size() <= 1 || parallel <= 1) {
            return ids.stream().map(read).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, ids.size()),
                DaemonThreads.named("lifeboat-manifest-reader"));
        try {
            List<Future<T>> futures = new ArrayList<>();
            ids.forEach(id -> futures.add(pool.submit(() -> read.apply(id))));
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading manifests", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
