package dev.lifeboat.repository;

/** A held lock or in-use mark; closing releases it. */
public interface RepositoryLock extends AutoCloseable {
    /** Set when a stale lock was taken over: who held it, for a warning. */
    java.util.Optional<String> tookOverFrom();

    @Override
    void close();

    /**
     * For a repository that does not exist yet: there is nothing to protect, and a backup that
     * fails before storing anything must not leave a new, empty repository behind.
     */
    static RepositoryLock notNeeded() {
        return new RepositoryLock() {
            @Override
            public java.util.Optional<String> tookOverFrom() {
                return java.util.Optional.empty();
            }

            @Override
            public void close() {
            }
        };
    }
}
