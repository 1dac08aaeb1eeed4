package dev.lifeboat.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a stock CLI as a child process with a timeout. Secrets go to the child's stdin or files,
 * never its argv; output goes to files so a chatty child cannot block on a full pipe.
 */
public record Cli(Path workDir, Map<String, String> env, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** What a child did: exit code, standard output and standard error. */
    public record Result(int exit, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    public Cli(Path workDir) {
        this(workDir, Map.of(), DEFAULT_TIMEOUT);
    }

    public Cli withEnv(Map<String, String> more) {
        Map<String, String> merged = new java.util.HashMap<>(env);
        merged.putAll(more);
        return new Cli(workDir, Map.copyOf(merged), timeout);
    }

    public Result run(List<String> command, byte[] stdin) {
        Path out = temp("out");
        Path err = temp("err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // the child may exit without reading its input; its exit code tells the story
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command.get(0) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), Files.readAllBytes(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0)
                    + " (is it installed? the CI installs it with apt-get)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command.get(0), e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    public Result run(List<String> command) {
        return run(command, new byte[0]);
    }

    /**
     * Runs a shell command line under {@code script}, which gives it a pseudo-terminal fed with
     * {@code typed}: for tools that read a passphrase from the terminal only, never from argv.
     */
    public Result onTerminal(String commandLine, String typed) {
        return run(List.of("script", "-q", "-e", "-c", commandLine, "/dev/null"),
                typed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Runs and requires exit code 0, failing with the child's standard error otherwise. */
    public Result ok(List<String> command, byte[] stdin) {
        Result result = run(command, stdin);
        if (result.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + result.exit() + ": " + result.stderr());
        }
        return result;
    }

    public Result ok(List<String> command) {
        return ok(command, new byte[0]);
    }

    private Path temp(String suffix) {
        try {
            return Files.createTempFile(workDir, "cli-", "." + suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover file in a test's temp folder is harmless
        }
    }
}
