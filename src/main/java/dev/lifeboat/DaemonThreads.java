package dev.lifeboat;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/** Named daemon threads: Lifeboat's background work never keeps the JVM alive once a command ends. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** Makes daemon threads called {@code name}, for an executor's pool. */
    public static ThreadFactory named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Runs each task at once on a new daemon thread called {@code name}, beside the caller's work. */
    public static Executor eachOnItsOwn(String name) {
        ThreadFactory threads = named(name);
        return task -> threads.newThread(task).start();
    }

    /** Starts {@code task} on a new daemon thread called {@code name}. */
    public static Thread start(String name, Runnable task) {
        Thread thread = named(name).newThread(task);
        thread.start();
        return thread;
    }
}
