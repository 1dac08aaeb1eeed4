package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.catalog.Run;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "history", description = "Every backup, verify, restore and prune run this machine made, newest first.")
final class HistoryCommand implements Callable<Integer> {
    private final Services services;

    @Spec
    CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME", description = "Only runs for this database name.")
    String name;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most this many runs (default: ${DEFAULT-VALUE}).")
    int limit;

    HistoryCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Run> runs = services.catalog(spec.commandLine().getErr()).map(c -> c.history(Optional.ofNullable(name),
                limit)).orElse(List.of());
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            json.document("history", java.util.Map.of("runs", runs));
            return ExitCode.OK.code();
        }
        String format = "%-20s %-8s %-11s %-10s %-16s %-23s %8s %10s %6s  %s%n";
        out.printf(Locale.ROOT, format, "STARTED", "KIND", "TRIGGER", "STATUS", "NAME", "BACKUP", "SECONDS", "STORED",
                "RATIO", "ERROR / REPOSITORY");
        for (Run r : runs) {
            out.printf(Locale.ROOT, format, Output.TIME.format(r.startedAt()), r.kind(), r.trigger(), r.status(),
                    r.name() == null ? "" : r.name(), r.backupId() == null ? "" : r.backupId(),
                    r.durationMillis() == null ? "" : String.format(Locale.ROOT, "%.1f", r.durationMillis() / 1000.0),
                    r.storedSize() == null ? "" : Sizes.human(r.storedSize()),
                    r.compressionRatio() == null ? "" : String.format(Locale.ROOT, "%.2f", r.compressionRatio()),
                    r.error() != null ? r.error() : r.repository() == null ? "" : r.repository());
        }
        return ExitCode.OK.code();
    }
}
