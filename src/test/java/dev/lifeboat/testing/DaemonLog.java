package dev.lifeboat.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Waits on the JSON-lines log a daemon child process writes, failing with the whole log when it takes too long. */
public final class DaemonLog {
    private static final long WAIT_SECONDS = 60;

    private DaemonLog() {
    }

    /** The first group of the first match of {@code pattern}, or the whole match when it has no group. */
    public static String await(Path log, Pattern pattern) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(read(log));
            if (m.find()) {
                return m.groupCount() > 0 ? m.group(1) : m.group();
            }
            Thread.sleep(50);
        }
        return fail("the daemon never logged " + pattern + ":\n" + read(log));
    }

    /** Waits until at least {@code count} lines contain {@code text}. */
    public static void awaitCount(Path log, String text, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (read(log).lines().filter(l -> l.contains(text)).count() >= count) {
                return;
            }
            Thread.sleep(50);
        }
        fail("fewer than " + count + " lines with " + text + ":\n" + read(log));
    }

    /** Stops the daemon with SIGTERM and returns its exit status, failing if it does not stop in a minute. */
    public static int stop(Process daemon, Path log) throws IOException, InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
            fail("the daemon did not stop within " + WAIT_SECONDS + " s of SIGTERM:\n" + read(log));
        }
        return daemon.exitValue();
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
