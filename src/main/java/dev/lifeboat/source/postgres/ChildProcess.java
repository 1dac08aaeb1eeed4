package dev.lifeboat.source.postgres;

import dev.lifeboat.ChildEnvironment;
import dev.lifeboat.DaemonThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A pg_dump, pg_restore or pg_dumpall run. Its stderr is drained on a thread into a bounded
 * tail, so a chatty child can neither block nor grow the heap; the tail names the failure.
 */
final class ChildProcess implements AutoCloseable {
    private static final int TAIL_BYTES = 16 * 1024;
    private final String name;
    private final Process process;
    private final Thread drain;
    private final ByteArrayOutputStream tail = new ByteArrayOutputStream();
    private volatile boolean succeeded;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.drain = DaemonThreads.start("lifeboat-" + name + "-stderr", this::drainStderr);
    }

    /**
     * Starts {@code command} with exactly {@code environment} (see {@link PgClient#childEnvironment}).
     * stdin and stdout are pipes unless stdin is redirected from a file.
     */
    static ChildProcess start(List<String> command, ChildEnvironment environment, Path stdinFile)
            throws IOException {
        ProcessBuilder builder = environment.applyTo(new ProcessBuilder(command));
        if (stdinFile != null) {
            builder.redirectInput(stdinFile.toFile());
        }
        String name = Path.of(command.get(0)).getFileName().toString();
        return new ChildProcess(name, builder.start());
    }

    String name() {
        return name;
    }

    Process process() {
        return process;
    }

    private void drainStderr() {
        byte[] buffer = new byte[8192];
        try (InputStream err = process.getErrorStream()) {
            for (int n; (n = err.read(buffer)) >= 0; ) {
                synchronized (tail) {
                    tail.write(buffer, 0, n);
                    if (tail.size() > 2 * TAIL_BYTES) {
                        byte[] keep = tail.toByteArray();
                        tail.reset();
                        tail.write(keep, keep.length - TAIL_BYTES, TAIL_BYTES);
                    }
                }
            }
        } catch (IOException e) {
            // The child is gone; what it wrote so far is what we report.
        }
    }

    /**
     * The child's stdout, which at its end waits for the child's exit: a non-zero status fails
     * the read with {@code failure}, so a partial output is never taken for a whole one.
     */
    InputStream stdout(java.util.function.IntFunction<RuntimeException> failure) {
        return new java.io.FilterInputStream(process.getInputStream()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                    ended();
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                int n = super.read(buffer, off, len);
                if (n < 0) {
                    ended();
                }
                return n;
            }

            private void ended() throws IOException {
                int exit = waitFor();
                if (exit != 0) {
                    throw failure.apply(exit);
                }
                succeeded = true;
            }
        };
    }

    /** True once stdout was read to its end and the child exited with 0. */
    boolean succeeded() {
        return succeeded;
    }

    /** Waits for the child to end and its stderr to be drained; returns the exit status. */
    int waitFor() throws IOException {
        try {
            int exit = process.waitFor();
            drain.join(TimeUnit.SECONDS.toMillis(10));
            return exit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new java.io.InterruptedIOException(name + " was interrupted");
        }
    }

    /** The most telling line of stderr: the first error, else the last line. */
    String diagnosis() {
        String text;
        synchronized (tail) {
            text = tail.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String line = lines.stream().filter(l -> l.contains("error:") || l.contains("ERROR:") || l.contains("FATAL:"))
                .findFirst().orElse(lines.isEmpty() ? "no message" : lines.get(lines.size() - 1));
        return PgErrors.firstLine(line);
    }

    /** The whole captured stderr tail, for matching known failures. */
    String stderr() {
        synchronized (tail) {
            return tail.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
