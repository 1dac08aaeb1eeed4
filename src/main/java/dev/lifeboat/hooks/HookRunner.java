package dev.lifeboat.hooks;

import dev.lifeboat.ChildEnvironment;
import dev.lifeboat.DaemonThreads;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs hook commands with {@code sh -c}, the job's facts in the environment, and a timeout after
 * which the command and everything it started are killed. Output is passed on line by line.
 */
public final class HookRunner {
    private static final int TAIL_LINES = 5;
    private final Consumer<String> output;
    private final Map<String, String> env;

    /**
     * @param output receives each line the hook prints, for the log
     * @param env    Lifeboat's environment, of which a hook gets only what {@link ChildEnvironment} passes
     *               and the names its job lists
     */
    public HookRunner(Consumer<String> output, Map<String, String> env) {
        this.output = output;
        this.env = Map.copyOf(env);
    }

    /** What a hook did: its exit status and last lines of output. */
    public record Result(int exit, List<String> tail) {
        public boolean ok() {
            return exit == 0;
        }

        public String lastLine() {
            return tail.isEmpty() ? "no output" : tail.get(tail.size() - 1);
        }
    }

    /**
     * Runs the hook with the variables every child gets (PATH finds commands such as {@code docker}),
     * those of {@code passed} that are set, and {@code facts}, the LIFEBOAT_* variables.
     */
    public Result run(HookPoint point, Hook hook, List<String> passed, Map<String, String> facts) {
        Map<String, String> lifeboat = new HashMap<>(facts);
        lifeboat.put("LIFEBOAT_HOOK", point.key());
        ProcessBuilder builder = ChildEnvironment.from(env).inherit(passed).with(lifeboat)
                .applyTo(new ProcessBuilder("sh", "-c", hook.command())).redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.FAILURE, point.key() + " hook could not start (" + e.getMessage()
                    + "); check that sh exists and the command in lifeboat.yaml");
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = DaemonThreads.start("hook-output", () -> drain(process, tail));
        try {
            if (!process.waitFor(hook.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new LifeboatException(ExitCode.FAILURE, point.key() + " hook did not finish within "
                        + dev.lifeboat.config.Durations.format(hook.timeout()) + " and was killed; make the command"
                        + " faster or raise its timeout in lifeboat.yaml");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new LifeboatException(ExitCode.FAILURE, point.key() + " hook was cancelled because lifeboat"
                    + " is stopping");
        }
        synchronized (tail) {
            return new Result(process.exitValue(), List.copyOf(tail));
        }
    }

    private void drain(Process process, Deque<String> tail) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.accept(line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // The process was killed; its remaining output does not matter.
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
