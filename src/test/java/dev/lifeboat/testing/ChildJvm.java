package dev.lifeboat.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the real command in a separate JVM, so it can be killed like a real process. */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static Process start(Map<String, String> env, Path log, String... args) throws IOException {
        return start(List.of(), env, log, args);
    }

    public static Process start(List<String> jvmOptions, Map<String, String> env, Path log, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.lifeboat.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        String scratch = env.get("LIFEBOAT_SCRATCH_DIR");
        if (scratch != null && !env.containsKey("LIFEBOAT_STATE_DIR")) {
            builder.environment().put("LIFEBOAT_STATE_DIR", Path.of(scratch).resolveSibling("state").toString());
        }
        return builder.start();
    }
}
