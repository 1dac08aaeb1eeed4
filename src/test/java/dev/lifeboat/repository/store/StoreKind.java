package dev.lifeboat.repository.store;

import java.util.Optional;

/**
 * One kind of store as the contract suites ({@link StoreContractTest},
 * {@code RepositoryContractTest}) run it: new, empty stores on demand, and the faults this kind
 * can simulate. A store kind is registered in {@link StoreKinds#all} or it is not a store.
 */
public interface StoreKind {
    /** The prefix of the repository arguments of this kind, as {@code Repositories.STORES} registers it. */
    String prefix();

    /** A new, empty store with its own root (a folder, a prefix) of this kind's server. */
    Store create() throws Exception;

    /** Stores many objects fast, for tests of listing rather than of writing. */
    default void seed(Store store, String key, byte[] content) throws Exception {
        store.putIfAbsent(key, content);
    }

    /**
     * From now until the returned handle is closed, writes to {@code store} are refused the way
     * this kind's medium refuses them (permission denied, read-only, HTTP 403); empty when it
     * cannot be simulated. Reads keep working.
     */
    default Optional<AutoCloseable> refuseWrites(Store store) throws Exception {
        return Optional.empty();
    }

    /** A new, empty store on a medium with room for about {@code bytes}; empty when it cannot be simulated. */
    default Optional<Store> withRoomFor(long bytes) throws Exception {
        return Optional.empty();
    }

    /**
     * Makes the next read of {@code key} (whose name ends in {@code .zst}) lose its connection after
     * {@code afterBytes}; false when this kind has no connection to lose.
     */
    default boolean breakNextRead(String key, long afterBytes) {
        return false;
    }

    /**
     * Stops servers and unmounts what the kind set up. (Not {@code close()}: JUnit closes
     * AutoCloseable arguments after each parameterized invocation.)
     */
    default void stop() throws Exception {
    }
}
