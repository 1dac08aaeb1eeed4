package dev.lifeboat;

import java.io.IOException;

/** A failure caught on a worker thread, thrown again on the thread that waits for the work. */
public final class WorkerFailure {
    private WorkerFailure() {
    }

    /** Throws {@code failure} as it was caught, an {@link IOException} or a {@link RuntimeException}; none when null. */
    public static void rethrow(Exception failure) throws IOException {
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
    }
}
