package dev.lifeboat.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the stock command-line tools (sqlite3, zstd, gzip, ...) that prove our files are standard. */
public final class Tools {
    private Tools() {
    }

    public record Output(int exit, String out, String err) {
    }

    /** Runs a command to completion within two minutes; fails the test if the tool is missing. */
    public static Output run(List<String> command, Map<String, String> env, Path stdin) {
        requireTool(command.get(0));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        try {
            Process process = builder.start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("timed out: " + command);
            }
            return new Output(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String ok(String... command) {
        Output output = run(List.of(command), Map.of(), null);
        if (output.exit() != 0) {
            fail(String.join(" ", command) + " exited " + output.exit() + ": " + output.err());
        }
        return output.out();
    }

    /** The one-value answer of an sqlite3 query, trimmed. */
    public static String sqlite(Path db, String sql) {
        return ok("sqlite3", db.toString(), sql).trim();
    }

    public static void requireTool(String tool) {
        List<String> which = new ArrayList<>(List.of("sh", "-c", "command -v " + tool));
        try {
            Process process = new ProcessBuilder(which).start();
            if (process.waitFor() != 0) {
                fail(tool + " is not installed; run the project's set-up (bash .ci/run installs it, or"
                        + " apt-get install -y " + debianPackage(tool) + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String debianPackage(String tool) {
        return switch (tool) {
            case "age", "age-keygen" -> "age";
            case "sqlite3" -> "sqlite3";
            case "sftp", "ssh-agent", "ssh-keygen", "ssh-add" -> "openssh-client";
            case "promtool" -> "prometheus";
            case "groff" -> "groff-base";
            case "script" -> "bsdutils";
            default -> tool;
        };
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                in.transferTo(buffer);
                return buffer.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
