package dev.lifeboat.source.postgres;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.source.Side;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operating-system user PostgreSQL runs as. Lifeboat run as root hands data directories to it
 * and starts servers as it (PostgreSQL refuses to run as root); run as anyone else, it is that user.
 */
public record PostgresOsUser(String name) {
    public static final PostgresOsUser DEFAULT = new PostgresOsUser("postgres");

    public PostgresOsUser {
        if (!name.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw EngineFailure.request("'" + name + "' is not a user name");
        }
    }

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** {@code command} as this user: through runuser when Lifeboat runs as root. */
    public List<String> command(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", name, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Gives {@code dir} and everything in it to this user, when run as root. */
    public void own(Path dir) throws IOException {
        if (runningAsRoot()) {
            Result result = run(List.of("chown", "-R", name + ":", dir.toString()), false);
            if (result.exit() != 0) {
                throw Side.TARGET.failure("cannot give " + dir + " to the user " + name + " ("
                        + result.output().strip() + "); pass --os-user with the user PostgreSQL runs as");
            }
        }
    }

    /** Gives one file to this user, when run as root: a file PostgreSQL must read, without a chown process. */
    public void give(Path file) throws IOException {
        if (runningAsRoot()) {
            java.nio.file.Files.setOwner(file, file.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(name));
        }
    }

    /** A process with the minimal environment children get: nothing of Lifeboat's secrets. */
    public static ProcessBuilder child(List<String> command) {
        return dev.lifeboat.ChildEnvironment.from(System.getenv()).applyTo(new ProcessBuilder(command));
    }

    public record Result(int exit, String output) {
    }

    /** Runs a short command to its end, as this user when {@code asUser}; output and errors together. */
    public Result run(List<String> command, boolean asUser) throws IOException {
        Process process = child(asUser ? command(command) : command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new Result(-1, output);
            }
            return new Result(process.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new java.io.InterruptedIOException("interrupted while running " + command.get(0));
        }
    }
}
