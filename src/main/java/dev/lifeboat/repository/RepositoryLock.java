package dev.lifeboat.repository;

/** A held lock or in-use mark; closing releases it. */
public interface RepositoryLock extends AutoCloseable {
    /** Set when a stale lock was taken over: who held it, for a warning. */
    java.util.Optional<String> tookOverFrom();

    @Override
    void close();
}
