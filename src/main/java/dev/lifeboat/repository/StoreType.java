package dev.lifeboat.repository;

import dev.lifeboat.repository.store.Store;
import java.util.Map;
import java.util.Set;

/**
 * One kind of store as {@link Repositories} registers it: the prefix of the repository arguments it
 * takes, their form as help texts and messages show it, how one is opened, and which environment
 * variables hold the secrets it reads (which hooks must never be handed).
 */
public record StoreType(String prefix, String form, Opener opener, Secrets secrets) {
    /** Opens a repository argument of this kind with the command's environment. */
    @FunctionalInterface
    public interface Opener {
        Store open(String spec, Map<String, String> env);
    }

    /**
     * The variables a store opened from {@code spec} reads secrets from; never throws, even for a
     * spec the opener would refuse (a config check reports that once, elsewhere).
     */
    @FunctionalInterface
    public interface Secrets {
        Set<String> of(String spec);
    }

    public boolean takes(String spec) {
        return spec.startsWith(prefix);
    }
}
