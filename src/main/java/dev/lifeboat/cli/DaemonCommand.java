package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.Progress;
import dev.lifeboat.config.ConfigException;
import dev.lifeboat.config.JobConfig;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.daemon.Daemon;
import dev.lifeboat.daemon.DaemonRuntime;
import dev.lifeboat.daemon.Scheduler;
import dev.lifeboat.daemon.Signals;
import dev.lifeboat.daemon.StatusServer;
import dev.lifeboat.job.JobParts;
import dev.lifeboat.log.JsonLinesLog;
import dev.lifeboat.log.Log;
import dev.lifeboat.notify.Deliveries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "daemon", description = "Run the config's jobs on their schedules, serve metrics and health;"
        + " SIGTERM stops gracefully, SIGHUP reloads the config.")
final class DaemonCommand implements Callable<Integer> {
    private final Services services;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "lifeboat.yaml",
            description = "The config file (default: ${DEFAULT-VALUE}).")
    Path config;

    DaemonCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        AtomicReference<LifeboatConfig> current = new AtomicReference<>(services.config(config));
        JsonOutput json = JsonOutput.of(spec);
        // The log is JSON Lines on stdout either way; under --json, failures end the stream as one more line.
        Log log = new JsonLinesLog(json.enabled() ? json.lines() : spec.commandLine().getOut(), services.clock, text -> current.get().mask(text));
        try (Deliveries deliveries = new Deliveries(log, Duration.ofSeconds(30))) {
            JobParts parts = services.jobParts(log, deliveries, spec.commandLine().getErr(), Progress.NONE);
            DaemonRuntime runtime = new DaemonRuntime(services.clock, parts, log, RandomGenerator.getDefault());
            Daemon daemon = runtime.daemon();
            daemon.start(current.get());
            // A daemon with physical jobs archives their servers' WAL itself when it runs as the same OS user
            // as PostgreSQL: no JVM starts per segment (WalPushServer).
            Optional<WalPushServer> walPush = current.get().jobs().values().stream().anyMatch(JobConfig::physical)
                    ? WalPushServer.start(services.env) : Optional.empty();
            Optional<StatusServer> server = Optional.empty();
            if (current.get().server().isPresent()) {
                server = Optional.of(runtime.serve(current.get().server().get(), current::get));
                log.event("listening", dev.lifeboat.log.Log.fields("address", server.get().address().getHostString() + ":"
                        + server.get().address().getPort()));
            }
            AtomicBoolean reload = new AtomicBoolean();
            Signals.install(daemon::stop, () -> {
                reload.set(true);
                daemon.wake();
            });
            daemon.runUntilStopped(() -> {
                if (reload.getAndSet(false)) {
                    reload(daemon, current, log);
                }
            });
            log.event("stopping", dev.lifeboat.log.Log.fields("timeout", current.get().shutdownTimeout().toString()));
            List<Scheduler.Key> unfinished = runtime.shutdown(current.get().shutdownTimeout());
            if (!unfinished.isEmpty()) {
                int removed = services.scratch.removeOwn();
                log.event("cancelled", dev.lifeboat.log.Log.fields("tasks", unfinished.stream().map(k -> k.job() + " " + k.task().key())
                        .toList(), "scratch_files_removed", removed));
            }
            server.ifPresent(StatusServer::close);
            walPush.ifPresent(WalPushServer::close);
            log.event("stopped", dev.lifeboat.log.Log.fields("clean", unfinished.isEmpty()));
            return unfinished.isEmpty() ? ExitCode.OK.code() : ExitCode.FAILURE.code();
        }
    }

    private void reload(Daemon daemon, AtomicReference<LifeboatConfig> current, Log log) {
        try {
            LifeboatConfig loaded = services.config(config);
            if (!loaded.server().equals(current.get().server())) {
                log.event("warning", dev.lifeboat.log.Log.fields("message", "server.listen changed; restart the daemon to move the"
                        + " status server (it keeps serving on the old address)"));
            }
            current.set(loaded);
            daemon.reload(loaded);
        } catch (ConfigException e) {
            log.event("reload_failed", dev.lifeboat.log.Log.fields("problems", e.problems().stream().map(Object::toString).toList(),
                    "message", "kept the previous config; fix the file and send SIGHUP again"));
        }
    }
}
