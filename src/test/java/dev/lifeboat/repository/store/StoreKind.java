package dev.lifeboat.repository.store;

import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One kind of store as the contract suites ({@link StoreContractTest},
 * {@code RepositoryContractTest}, {@code HostileRepositoryTest}) run it: new, empty stores and
 * places on demand, raw access to them past Lifeboat, and the faults this kind can simulate. A
 * store kind is registered in {@link StoreKinds#all} or it is not a store.
 */
public interface StoreKind {
    /** The prefix of the repository arguments of this kind, as {@code Repositories.STORES} registers it. */
    String prefix();

    /** A new, empty store with its own root (a folder, a prefix) of this kind's server. */
    Store create() throws Exception;

    /** Raw access to where a store from {@link #create} keeps its objects. */
    Place placeOf(Store store);

    /** A new, empty place named {@code name} (unique within the kind), for a whole repository. */
    Place place(String name) throws Exception;

    /**
     * Everything this kind's medium holds but under {@code places}, each with a fingerprint of its
     * content: what a command must leave exactly as it was when it works on those places only.
     */
    Map<String, String> everythingBut(Place... places) throws Exception;

    /** Stores many objects fast, for tests of listing rather than of writing. */
    default void seed(Store store, String key, byte[] content) throws Exception {
        placeOf(store).put(key, content);
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
     * {@code afterBytes}; what it gives tells afterwards whether the connection was lost. Empty when
     * this kind has no connection to lose.
     */
    default Optional<BooleanSupplier> breakNextRead(String key, long afterBytes) {
        return Optional.empty();
    }

    /**
     * Stops servers and unmounts what the kind set up. (Not {@code close()}: JUnit closes
     * AutoCloseable arguments after each parameterized invocation.)
     */
    default void stop() throws Exception {
    }
}
