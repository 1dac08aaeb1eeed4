package dev.lifeboat.source.postgres;

import dev.lifeboat.source.Side;
import dev.lifeboat.ChildEnvironment;
import dev.lifeboat.LifeboatException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds pg_dump, pg_restore and pg_dumpall (in --pg-bin or on the PATH) and checks their versions. */
record PgTools(Optional<Path> pgBin, Map<String, String> env, Side side) {
    PgTools {
        env = Map.copyOf(env);
    }

    /** Names the folder only: the environment may hold secrets. */
    @Override
    public String toString() {
        return "PgTools[" + pgBin.map(Object::toString).orElse("PATH") + "]";
    }

    /** The tool's path, after checking that its major version is at least the server's. */
    Path require(String tool, PgVersion server) {
        return probe(tool).require(server);
    }

    /**
     * Locates {@code tool} and starts its {@code --version} now, so that it runs while the caller
     * connects to the server; {@link Probe#require} then checks it. Debian's wrapper is not started:
     * once the server's version is known, the binary of that version is run instead, where it is
     * installed. A tool that cannot be found or started is reported by {@code require}, after any
     * connection error.
     */
    Probe probe(String tool) {
        try {
            Path path = locate(tool);
            return isWrapper(path) ? new Probe(path, null, null) : started(path);
        } catch (LifeboatException e) {
            return new Probe(null, null, e);
        }
    }

    private Probe started(Path path) {
        try {
            return new Probe(path, ChildEnvironment.from(env).applyTo(new ProcessBuilder(List.of(
                    path.toString(), "--version"))).redirectErrorStream(true).start(), null);
        } catch (IOException e) {
            return new Probe(path, null, cannotRun(path, e));
        }
    }

    /** A started {@code --version} of one tool, or the reason it could not start. */
    final class Probe {
        private final Path path;
        private final Process process;
        private final LifeboatException failed;

        private Probe(Path path, Process process, LifeboatException failed) {
            this.path = path;
            this.process = process;
            this.failed = failed;
        }

        /** The tool's path, once its major version proved at least the server's. */
        Path require(PgVersion server) {
            if (failed != null) {
                throw failed;
            }
            if (process == null) {
                return started(withoutWrapper(path, server)).require(server);
            }
            PgVersion version = version();
            if (version.compareTo(server) < 0) {
                throw side.failure(path + " is version " + version + " but the server runs"
                        + " PostgreSQL " + server + "; install the PostgreSQL " + server + " client tools (or newer)"
                        + " and point --pg-bin at their bin folder");
            }
            return path;
        }

        private PgVersion version() {
            try {
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                PgVersion version = PgVersion.ofToolOutput(output);
                if (version == null) {
                    throw side.failure(path + " --version printed no PostgreSQL version ('"
                            + PgErrors.firstLine(output) + "'); point --pg-bin at the PostgreSQL client tools");
                }
                return version;
            } catch (IOException e) {
                throw cannotRun(path, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw side.failure("interrupted while checking " + path, e);
            }
        }
    }

    /**
     * On Debian, {@code /usr/bin/pg_dump} and its kin are {@code pg_wrapper}, a Perl script that picks
     * an installed version on every start (a tenth of a second of CPU each time). Where the server's
     * own major version is installed, its binary is the tool without that detour.
     */
    static Path withoutWrapper(Path tool, PgVersion server) {
        if (isWrapper(tool)) {
            Path own = Path.of("/usr/lib/postgresql", Integer.toString(server.major()), "bin",
                    tool.getFileName().toString());
            if (Files.isExecutable(own)) {
                return own;
            }
        }
        return tool;
    }

    private static boolean isWrapper(Path tool) {
        try {
            return tool.toRealPath().endsWith(Path.of("postgresql-common", "pg_wrapper"));
        } catch (IOException e) {
            return false;
        }
    }

    private LifeboatException cannotRun(Path tool, IOException e) {
        return side.failure("cannot run " + tool + " (" + e.getMessage() + "); check that it is an"
                + " executable PostgreSQL client tool", e);
    }

    Path locate(String tool) {
        if (pgBin.isPresent()) {
            Path path = pgBin.get().resolve(tool);
            if (!Files.isExecutable(path)) {
                throw side.failure(tool + " not found in --pg-bin " + pgBin.get() + "; point --pg-bin"
                        + " at the bin folder of the PostgreSQL client tools (e.g. /usr/lib/postgresql/16/bin)");
            }
            return path;
        }
        String searchPath = env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", ""));
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool);
            }
        }
        throw side.failure(tool + " not found on the PATH; install the PostgreSQL client tools"
                + " (e.g. apt-get install postgresql-client) or give their folder with --pg-bin");
    }
}
