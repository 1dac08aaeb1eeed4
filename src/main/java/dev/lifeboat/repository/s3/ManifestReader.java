package dev.lifeboat.repository.s3;

import dev.lifeboat.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Reads many small manifests at once, a bounded number at a time: a listing of thousands stays fast. */
final class ManifestReader {
    static final int PARALLEL = 8;

    private ManifestReader() {
    }

    /** {@code read} applied to every id, in the order of {@code ids}. */
    static <T> List<T> readAll(List<String> ids, Function<String, T> read) {
        if (ids.size() <= 1) {
            return ids.stream().map(read).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, ids.size()),
                DaemonThreads.named("lifeboat-s3-manifest"));
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
