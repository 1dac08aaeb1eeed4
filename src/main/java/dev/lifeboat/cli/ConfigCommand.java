package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.config.ConfigException;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.PlanText;
import dev.lifeboat.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "config", description = "Work with lifeboat.yaml.", subcommands = ConfigCommand.CheckCommand.class)
final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say what to do: check");
    }

    @Command(name = "check", description = "Validate the config file and print the resolved plan, secrets masked.")
    static final class CheckCommand implements Callable<Integer> {
        private final Services services;

        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", defaultValue = "lifeboat.yaml",
                description = "The config file (default: ${DEFAULT-VALUE}).")
        Path config;

        CheckCommand(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            LifeboatConfig loaded;
            JsonOutput json = JsonOutput.of(spec);
            try {
                loaded = services.config(config);
            } catch (ConfigException e) {
                if (json.enabled()) {
                    json.document("config-check", java.util.Map.of("config", config.toString(), "valid", false,
                            "problems", e.problems().stream().map(Problem::toString).toList(), "plan",
                            java.util.List.of()));
                }
                PrintWriter err = spec.commandLine().getErr();
                for (Problem problem : e.problems()) {
                    err.println(problem);
                }
                throw new LifeboatException(ExitCode.USAGE, config + " has " + e.problems().size() + " problem"
                        + (e.problems().size() == 1 ? "" : "s") + " (listed above); fix them and run 'lifeboat config"
                        + " check --config " + config + "' again");
            }
            java.util.List<String> plan = PlanText.render(loaded, services.clock.instant());
            if (json.enabled()) {
                json.document("config-check", java.util.Map.of("config", config.toString(), "valid", true,
                        "problems", java.util.List.of(), "plan", plan));
            }
            plan.forEach(out::println);
            out.println("ok: " + config + " is valid");
            return ExitCode.OK.code();
        }
    }
}
